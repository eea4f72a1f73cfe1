import type { CommandModule } from 'yargs';
import { runCommand } from './run.ts';
import { listCommand } from './list.ts';
import { mergeCommand } from './merge.ts';
import { reportCommand } from './report.ts';
import { benchCommand } from './bench.ts';
import { evalCommand } from './eval.ts';
import { dataCommand } from './data.ts';
import { predictCommand } from './predict.ts';
import { lossCommand } from './loss.ts';
import { exportCommand } from './export.ts';
import { tapsCommand } from './taps.ts';
import { tablesCommand } from './tables.ts';
import { planCommand } from './plan.ts';
import { scorecardCommand } from './scorecard.ts';

/**
 * Every `pnpm exp` command. Add one import and one entry per command file
 * (keep one command per file; the file owns its flags and help text).
 */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export const commands: CommandModule<any, any>[] = [
  runCommand,
  listCommand,
  mergeCommand,
  reportCommand,
  benchCommand,
  evalCommand,
  dataCommand,
  predictCommand,
  lossCommand,
  exportCommand,
  tablesCommand,
  scorecardCommand,
  tapsCommand,
  planCommand,
];
