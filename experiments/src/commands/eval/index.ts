import type { CommandModule } from 'yargs';
import { evalSodCommand } from './sod.ts';
import { evalSegCommand } from './seg.ts';
import { evalDetCommand } from './det.ts';

/** Subcommands of `pnpm exp eval`: one import and one entry per file in this folder. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export const evalSubcommands: CommandModule<any, any>[] = [evalSodCommand, evalSegCommand, evalDetCommand];
