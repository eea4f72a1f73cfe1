import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { CommandModule } from 'yargs';
import { Rng, parseIntFlag } from '@kd/core';
import { initBackend } from '@kd/runtime';
import { Distiller, MAIN_OUTPUT, TeacherOutputCache, loaderSource, pairTerm, train as trainModel } from '@kd/distill';
import { crossEntropyIgnore } from '@kd/losses';
import { createModel } from '@kd/models';
import { segDataRoot, segLoaders } from '@kd/distill';
import { SEG_QUICK } from '../../experiments/seg-defaults.ts';

interface Args {
  epochs: string;
  json: boolean;
}

/**
 * `pnpm exp bench distill-cache`: ms per training step of the segmentation quick pair —
 * student only (CE), distillation with the teacher run live, with a cold cache (teacher run and
 * stored) and with a warm cache (teacher outputs read from disk). Target: warm ≤ 1.15× student-only.
 */
export const benchDistillCacheCommand: CommandModule<object, Args> = {
  command: 'distill-cache',
  describe: 'Time student-only vs distillation steps with a live, cold and warm teacher cache',
  builder: (y) =>
    y.option('epochs', { type: 'string', default: '2' }).option('json', { type: 'boolean', default: false }) as never,
  handler: async (args) => {
    const epochs = parseIntFlag('--epochs', args.epochs, { min: 1 });
    const backend = await initBackend({ quiet: args.json });
    const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'kdlab-cache-bench-'));
    const cfg = { ...SEG_QUICK, workers: 0 };
    const root = await segDataRoot(cfg, path.join(tmp, 'data'));
    const teacher = createModel(cfg.teacher, { rng: new Rng(1), numClasses: 19, width: cfg.teacher_width });
    const ce = (
      s: { outputs: import('@tensorflow/tfjs').Tensor4D[] },
      b: { label: import('@tensorflow/tfjs').Tensor3D | null },
    ) => crossEntropyIgnore(s.outputs[0], b.label!);
    const cache = new TeacherOutputCache(path.join(tmp, 'cache'), TeacherOutputCache.weightsHash(teacher));
    const time = async (mode: 'student' | 'live' | 'cold' | 'warm') => {
      const student = createModel(cfg.student, { rng: new Rng(2), numClasses: 19, width: cfg.student_width });
      const { train, val } = segLoaders(cfg, root, 1);
      const d =
        mode === 'student'
          ? undefined
          : new Distiller(
              student,
              teacher,
              [pairTerm('pixel-kl', 1, MAIN_OUTPUT, MAIN_OUTPUT)],
              mode === 'live' ? null : cache,
            );
      // live: the teacher runs every step (no cache); cold/warm: keyed by the batch (epoch/step, size, names)
      const fit = await trainModel({
        model: student,
        source: loaderSource(train),
        epochs,
        optimizer: { kind: 'adam', lr: 1e-3 },
        task: ce,
        distiller: d,
      });
      await train.close();
      await val.close();
      student.dispose();
      return (fit.seconds * 1000) / fit.steps;
    };
    await time('student'); // warm-up (kernel compilation, allocator)
    const res = {
      student_ms: await time('student'),
      live_ms: await time('live'),
      cold_ms: await time('cold'),
      warm_ms: await time('warm'),
    };
    const out = {
      ...res,
      warm_ratio: res.warm_ms / res.student_ms,
      live_ratio: res.live_ms / res.student_ms,
      cache_hits: cache.hits,
      cache_misses: cache.misses,
      backend: backend.label,
      threads: backend.threads,
    };
    teacher.dispose();
    fs.rmSync(tmp, { recursive: true, force: true });
    if (args.json) console.log(JSON.stringify(out));
    else
      console.log(
        `ms/step: student-only ${res.student_ms.toFixed(1)} | distill live teacher ${res.live_ms.toFixed(1)} | cold cache ${res.cold_ms.toFixed(1)} | warm cache ${res.warm_ms.toFixed(1)}\nwarm/student-only = ${out.warm_ratio.toFixed(3)} (target ≤ 1.15); live/student-only = ${out.live_ratio.toFixed(3)}; hits ${cache.hits}, misses ${cache.misses}`,
      );
  },
};
