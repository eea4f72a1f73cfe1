import type { CommandModule } from 'yargs';
import { dataSubcommands } from './data/index.ts';

/** `pnpm exp data <sub>`: Datasets: synthesise twins, inspect real ones. Subcommands live one per file in ./data/. */
export const dataCommand: CommandModule = {
  command: 'data <sub>',
  describe: 'Datasets: synthesise twins, inspect real ones',
  builder: (y) => {
    let b = y;
    for (const c of dataSubcommands) b = b.command(c);
    return b.demandCommand(1, 'name a subcommand (see --help)');
  },
  handler: () => {},
};
