import type { CommandModule } from 'yargs';
import { EXPERIMENTS } from '../experiment.ts';
import '../experiments/index.ts';

/** `pnpm exp list`: the registered experiments with one line each. */
export const listCommand: CommandModule = {
  command: 'list',
  describe: 'List the experiments',
  handler: () => {
    for (const name of EXPERIMENTS.list()) console.log(`${name.padEnd(16)} ${EXPERIMENTS.describe(name)}`);
  },
};
