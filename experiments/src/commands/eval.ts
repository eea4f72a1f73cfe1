import type { CommandModule } from 'yargs';
import { evalSubcommands } from './eval/index.ts';

/** `pnpm exp eval <sub>`: Score predictions against ground truth (JSON on stdout). Subcommands live one per file in ./eval/. */
export const evalCommand: CommandModule = {
  command: 'eval <sub>',
  describe: 'Score predictions against ground truth (JSON on stdout)',
  builder: (y) => {
    let b = y;
    for (const c of evalSubcommands) b = b.command(c);
    return b.demandCommand(1, 'name a subcommand (see --help)');
  },
  handler: () => {},
};
