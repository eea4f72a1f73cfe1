import type { CommandModule } from 'yargs';
import '../experiments/index.ts';
import { userPath } from '../paths.ts';
import { mergeSweeps } from '@kd/sweep';
import { SWEEPS } from '../sweep/registry.ts';

interface MergeArgs {
  name: string;
  from: string[];
  out: string;
}

/** `pnpm exp merge <name> --from DIR... --out DIR`: one table from shard outputs. */
export const mergeCommand: CommandModule<object, MergeArgs> = {
  command: 'merge <name>',
  describe: 'Merge the finished runs of sharded sweep outputs into one table',
  builder: (y) =>
    y
      .positional('name', { type: 'string', demandOption: true, describe: 'sweep experiment name' })
      .option('from', {
        type: 'string',
        array: true,
        demandOption: true,
        describe: 'shard output folders (each given to --out)',
      })
      .option('out', {
        type: 'string',
        demandOption: true,
        describe: 'folder for the merged runs and tables',
      }) as never,
  handler: (args) => {
    const exp = SWEEPS.get(args.name);
    const n = mergeSweeps(exp, args.from.map(userPath), userPath(args.out));
    console.log(`${exp.name}: merged ${n} run(s) into ${args.out}`);
  },
};
