import type { CommandModule } from 'yargs';
import { runCommand } from './run.ts';
import { listCommand } from './list.ts';

/**
 * Every `pnpm exp` command. Add one import and one entry per command file
 * (keep one command per file; the file owns its flags and help text).
 */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export const commands: CommandModule<any, any>[] = [
  runCommand,
  listCommand,
];
