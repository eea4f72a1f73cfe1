import type { CommandModule } from 'yargs';
import { benchSubcommands } from './bench/index.ts';

/** `pnpm exp bench <sub>`: Benchmarks: models, loader, torch-compare. Subcommands live one per file in ./bench/. */
export const benchCommand: CommandModule = {
  command: 'bench <sub>',
  describe: 'Benchmarks: models, loader, torch-compare',
  builder: (y) => {
    let b = y;
    for (const c of benchSubcommands) b = b.command(c);
    return b.demandCommand(1, 'name a subcommand (see --help)');
  },
  handler: () => {},
};
