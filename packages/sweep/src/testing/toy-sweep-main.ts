/** Runs the toy sweep: `node --import tsx toy-sweep-main.ts OUT [K/N]` (a child process for engine tests). */
import { runSweep } from '../run-sweep.ts';
import { parseShard } from '../shard.ts';
import { toyExecutor, toySweep } from './toy-sweep.ts';

const [out, shard = '0/1'] = process.argv.slice(2);
const backend = { name: 'cpu' as const, threads: 1, simd: false, label: 'cpu' };
const res = await runSweep(
  toySweep,
  {
    profile: 'quick',
    seeds: [1, 2, 3],
    shard: parseShard('shard', shard),
    overrides: {},
    backend,
    gitHash: 'test',
    dataRoot: out,
    outDir: out,
    argv: [],
    progress: false,
  },
  toyExecutor,
);
console.log(JSON.stringify({ ran: res.ran, skipped: res.skipped, total: res.specs.length }));
