import type { CommandModule } from 'yargs';
import { torchCompareCommand } from './torch-compare.ts';
import { benchProfileCommand } from './profile.ts';
import { benchModelsCommand } from './models.ts';
import { benchLoaderCommand } from './loader.ts';
import { benchDistillCacheCommand } from './distill-cache.ts';

/** Subcommands of `pnpm exp bench`: one import and one entry per file in this folder. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export const benchSubcommands: CommandModule<any, any>[] = [
  torchCompareCommand,
  benchProfileCommand,
  benchModelsCommand,
  benchLoaderCommand,
  benchDistillCacheCommand,
];
