/**
 * Child process of checkpoint.test.ts: trains a tiny seg student for 6 steps with a checkpoint
 * every 2 (in argv[2]); STEP_SLEEP_MS slows each step so the test can SIGKILL it between two
 * checkpoints. Prints the sha256 of the final weights and the epoch losses as JSON.
 */
import { createHash } from 'node:crypto';
import { Rng } from '@kd/core';
import { useBackend } from '@kd/runtime';
import { crossEntropyIgnore } from '@kd/losses';
import { createModel } from '@kd/models';
import { Checkpointer } from '../checkpoint.ts';
import { loaderSource } from '../step-source.ts';
import { train } from '../trainer.ts';
import { segSource } from './seg-source.ts';

await useBackend('wasm');
const sleep = Number(process.env.STEP_SLEEP_MS ?? 0);
const student = createModel('fcn-mbv2-os16', { rng: new Rng(4), numClasses: 3, width: 0.25 });
const r = await train({
  model: student,
  source: loaderSource(segSource(3)),
  epochs: 2,
  optimizer: { kind: 'adam', lr: 3e-3 },
  task: (s, b) => crossEntropyIgnore(s.outputs[0], b.label!),
  checkpoint: new Checkpointer(process.argv[2], { config: 'kill-test' }, { everySteps: 2, minutes: 10, keep: 2 }),
  callbacks: [{ onStep: () => new Promise((res) => setTimeout(res, sleep)) }],
});
const h = createHash('sha256');
for (const [k, v] of student.stateDict()) h.update(k).update(Buffer.from((v.dataSync() as Float32Array).buffer));
console.log(JSON.stringify({ weights: h.digest('hex'), epochLoss: r.epochLoss }));
