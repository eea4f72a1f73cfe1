import { parentCommand } from './parent-command.ts';
import { evalSubcommands } from './eval/index.ts';

/** `pnpm exp eval <sub>`: Score predictions against ground truth (JSON on stdout). Subcommands live one per file in ./eval/. */
export const evalCommand = parentCommand(
  'eval',
  'Score predictions against ground truth (JSON on stdout)',
  evalSubcommands,
);
