import fs from 'node:fs';
import type { CommandModule } from 'yargs';
import '../experiments/index.ts';
import { userPath } from '../paths.ts';
import { combineRawRows } from '@kd/sweep';
import { SWEEPS } from '../sweep/registry.ts';
import { writeTablesFromRaw } from '@kd/sweep';

interface TablesArgs {
  name: string;
  raw: string[];
  out: string;
}

/**
 * `pnpm exp tables <name> --raw FILE... --out DIR`: rebuilds a sweep's tables — `<name>.csv`,
 * `.raw.csv`, `.claims.csv` and `.md` with its Claims section — from raw CSVs alone (e.g. the
 * committed ones plus the raw CSV of a run that added seeds elsewhere), with exactly the code
 * `pnpm exp run` uses, so both give the same files for the same runs.
 */
export const tablesCommand: CommandModule<object, TablesArgs> = {
  command: 'tables <name>',
  describe: "Rebuild a sweep's tables and claims from its raw CSVs",
  builder: (y) =>
    y
      .positional('name', { type: 'string', demandOption: true, describe: 'sweep experiment name' })
      .option('raw', {
        type: 'string',
        array: true,
        demandOption: true,
        describe: '<name>.raw.csv files to combine (a run in several is taken once)',
      })
      .option('out', { type: 'string', demandOption: true, describe: 'folder for the rebuilt tables' }) as never,
  handler: (args) => {
    const exp = SWEEPS.get(args.name);
    const raw = combineRawRows(exp, args.raw.map(userPath));
    const out = userPath(args.out);
    writeTablesFromRaw(exp, raw, out, { total: raw.length });
    console.log(fs.readFileSync(`${out}/${exp.name}.md`, 'utf8'));
  },
};
