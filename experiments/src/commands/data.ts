import { parentCommand } from './parent-command.ts';
import { dataSubcommands } from './data/index.ts';

/** `pnpm exp data <sub>`: Datasets: synthesise twins, inspect real ones. Subcommands live one per file in ./data/. */
export const dataCommand = parentCommand('data', 'Datasets: synthesise twins, inspect real ones', dataSubcommands);
