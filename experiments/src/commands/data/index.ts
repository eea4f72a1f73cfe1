import type { CommandModule } from 'yargs';
import { synthCommand } from './synth.ts';
import { inspectCommand } from './inspect.ts';

/** Subcommands of `pnpm exp data`: one import and one entry per file in this folder. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export const dataSubcommands: CommandModule<any, any>[] = [synthCommand, inspectCommand];
