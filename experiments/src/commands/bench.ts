import { parentCommand } from './parent-command.ts';
import { benchSubcommands } from './bench/index.ts';

/** `pnpm exp bench <sub>`: Benchmarks: models, loader, distill-cache, torch-compare, profile. Subcommands live one per file in ./bench/. */
export const benchCommand = parentCommand(
  'bench',
  'Benchmarks: models, loader, distill-cache, torch-compare, profile',
  benchSubcommands,
);
