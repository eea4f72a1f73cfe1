import { performance } from 'node:perf_hooks';
import * as tf from '@tensorflow/tfjs';

/** Wall time of one kernel name, per profiled run. */
export interface KernelTime {
  kernel: string;
  /** Calls per run. */
  calls: number;
  /** Milliseconds per run (sum over its calls). */
  ms: number;
}

export interface KernelProfile {
  /** Wall time of one run (mean over the profiled runs). */
  total_ms: number;
  /** Σ kernel time of one run; total_ms − kernel_ms is framework overhead (tape, tidy, JS glue). */
  kernel_ms: number;
  runs: number;
  /** By kernel name, slowest first. */
  kernels: KernelTime[];
}

type RunKernel = (name: string, inputs: tf.NamedTensorMap, attrs: Record<string, unknown>) => tf.Tensor | tf.Tensor[];

/**
 * Per-kernel wall time of `run()` on the active backend: wraps `tf.engine().runKernel` (the one
 * entry point of tfjs ops, forward, gradient and optimizer alike) and times each outermost call
 * with `performance.now()`; kernels a kernel runs inside itself count toward their caller. Exact
 * on synchronous backends (cpu, wasm); on async ones (webgpu) it times the dispatch only.
 * `run` may be async (the final download is awaited inside the timed run). Runs `runs` times after
 * one untimed warm-up and reports the mean per run.
 */
export async function profileKernels(run: () => void | Promise<void>, runs = 3): Promise<KernelProfile> {
  const engine = tf.engine() as unknown as { runKernel: RunKernel };
  await run();
  const original = engine.runKernel;
  const acc = new Map<string, { calls: number; ms: number }>();
  let depth = 0;
  engine.runKernel = function (this: unknown, name, inputs, attrs) {
    if (depth > 0) return original.call(this, name, inputs, attrs);
    depth++;
    const t0 = performance.now();
    try {
      return original.call(this, name, inputs, attrs);
    } finally {
      const dt = performance.now() - t0;
      depth--;
      const a = acc.get(name) ?? { calls: 0, ms: 0 };
      a.calls++;
      a.ms += dt;
      acc.set(name, a);
    }
  };
  let total = 0;
  try {
    for (let r = 0; r < runs; r++) {
      const t0 = performance.now();
      await run();
      total += performance.now() - t0;
    }
  } finally {
    engine.runKernel = original;
  }
  const kernels = [...acc.entries()]
    .map(([kernel, a]) => ({ kernel, calls: a.calls / runs, ms: a.ms / runs }))
    .sort((a, b) => b.ms - a.ms);
  return { total_ms: total / runs, kernel_ms: kernels.reduce((s, k) => s + k.ms, 0), runs, kernels };
}
