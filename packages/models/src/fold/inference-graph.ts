import * as tf from '@tensorflow/tfjs';
import type { DenseModel } from '@kd/nn';
import { traceForward, type Trace, type TraceRef } from '../io/tfjs-export/trace-forward.ts';
import { foldBatchNorm } from './fold-batch-norm.ts';
import { fuseElementwise } from './fuse-elementwise.ts';

export interface InferenceGraphOptions {
  /** Fold eval BatchNorms (and the activations after them) into the convolutions (default true). */
  fold?: boolean;
  /** Replace elementwise chains by the runtime's single-pass kernels (hard-swish, …; default true). */
  fuse?: boolean;
}

type RunKernel = (name: string, inputs: tf.NamedTensorMap, attrs: Record<string, unknown>) => tf.Tensor | tf.Tensor[];

interface Step {
  kernel: string;
  inputs: [string, TraceRef][];
  attrs: Record<string, unknown>;
  /** Node indices whose value is last read by this step (disposed after it). */
  frees: number[];
  /** The kernel takes its inputs as a list (recorded under keys '0', '1', …). */
  listInput: boolean;
}

interface Compiled {
  steps: Map<number, Step>;
  /** By trace const index; null where no step reads it. */
  consts: (tf.Tensor | null)[];
  output: TraceRef;
  nodeCount: number;
}

/** The nodes the output needs, in trace order, each with the node values it frees. */
function schedule(trace: Trace): Map<number, Step> {
  const live = new Set<number>();
  const visit = (r: TraceRef | null) => {
    if (r?.kind !== 'node' || live.has(r.index)) return;
    live.add(r.index);
    for (const q of Object.values(trace.nodes[r.index].inputs)) visit(q);
  };
  visit(trace.output);
  const order = [...live].sort((a, b) => a - b);
  const lastUse = new Map<number, number>();
  for (const i of order)
    for (const r of Object.values(trace.nodes[i].inputs)) if (r?.kind === 'node') lastUse.set(r.index, i);
  const steps = new Map<number, Step>();
  for (const i of order) {
    const n = trace.nodes[i];
    const inputs = Object.entries(n.inputs).filter((e): e is [string, TraceRef] => e[1] !== null);
    const frees = [...new Set(inputs.map(([, r]) => r))]
      .filter((r): r is { kind: 'node'; index: number } => r.kind === 'node' && lastUse.get(r.index) === i)
      .map((r) => r.index);
    if (trace.output.kind === 'node') {
      const k = frees.indexOf(trace.output.index);
      if (k >= 0) frees.splice(k, 1);
    }
    const listInput = Object.keys(n.inputs).every((k, j) => k === String(j));
    steps.set(i, { kernel: n.kernel, inputs, attrs: n.attrs, frees, listInput });
  }
  return steps;
}

/**
 * A model's eval forward for deployment: traced once per input shape (io/tfjs-export
 * traceForward: the kernel calls that depend on the input, weights as constants), BatchNorms
 * folded into the convolutions with their activations fused (fold-batch-norm.ts), elementwise
 * chains replaced by single-pass runtime kernels (fuse-elementwise.ts), then replayed kernel by
 * kernel with each intermediate freed after its last use. Main output only (x [N,H,W,3] →
 * outputs[0]; auxiliary heads are not computed). Weights are read at the first call for each
 * shape: after changing them, call `reset()`. Equal to `model.forward(x)[0]` in eval mode up to
 * float32 rounding (≤ 1e-5 on our models; bit-identical with fold and fuse off).
 */
export class InferenceGraph {
  private readonly compiled = new Map<string, Compiled>();

  constructor(
    readonly model: DenseModel,
    readonly opts: InferenceGraphOptions = {},
  ) {}

  /** Number of kernel calls one forward at `shape` makes (compiling it if needed). */
  kernelCount(shape: [number, number, number, number]): number {
    return this.compile(shape).steps.size;
  }

  /** The traced, rewritten graph's kernel names and counts at `shape`. */
  kernels(shape: [number, number, number, number]): Record<string, number> {
    const out: Record<string, number> = {};
    for (const s of this.compile(shape).steps.values()) out[s.kernel] = (out[s.kernel] ?? 0) + 1;
    return out;
  }

  forward(x: tf.Tensor4D): tf.Tensor4D {
    const g = this.compile(x.shape);
    if (g.output.kind === 'input') return x.clone();
    const engine = tf.engine() as unknown as { runKernel: RunKernel };
    const values: (tf.Tensor | undefined)[] = new Array(g.nodeCount);
    const read = (r: TraceRef): tf.Tensor =>
      r.kind === 'input' ? x : r.kind === 'const' ? g.consts[r.index]! : values[r.index]!;
    let out: tf.Tensor | undefined;
    try {
      for (const [i, s] of g.steps) {
        // list-input kernels (Concat, AddN, Pack) take an array, as the ops pass it
        const inputs = s.listInput
          ? s.inputs.map(([, r]) => read(r))
          : Object.fromEntries(s.inputs.map(([k, r]) => [k, read(r)]));
        const y = engine.runKernel(s.kernel, inputs as tf.NamedTensorMap, s.attrs);
        values[i] = Array.isArray(y) ? y[0] : y;
        for (const f of s.frees) {
          values[f]!.dispose();
          values[f] = undefined;
        }
      }
      out = read(g.output);
      return out as tf.Tensor4D;
    } finally {
      for (const v of values) if (v && v !== out) v.dispose();
    }
  }

  /** Forgets the compiled graphs (their constants are disposed); the next call re-traces. */
  reset(): void {
    for (const g of this.compiled.values()) for (const c of g.consts) c?.dispose();
    this.compiled.clear();
  }

  dispose(): void {
    this.reset();
  }

  private compile(shape: number[]): Compiled {
    const key = shape.join('x');
    const hit = this.compiled.get(key);
    if (hit) return hit;
    const m = this.model;
    const wasTraining = m.training;
    m.eval();
    let trace: Trace;
    try {
      const names = new Map<number, string>();
      for (const [k, v] of m.stateDict()) names.set(v.id, k);
      trace = traceForward((x) => m.forward(x)[0], shape as [number, number, number, number], names);
    } finally {
      m.train(wasTraining);
    }
    if (this.opts.fold ?? true) trace = foldBatchNorm(trace);
    if (this.opts.fuse ?? true) trace = fuseElementwise(trace);
    const steps = schedule(trace);
    const used = new Set<number>();
    for (const s of steps.values()) for (const [, r] of s.inputs) if (r.kind === 'const') used.add(r.index);
    if (trace.output.kind === 'const') used.add(trace.output.index);
    const consts = trace.consts.map((c, i) => (used.has(i) ? tf.keep(tf.tensor(c.values, c.shape, c.dtype)) : null));
    const g: Compiled = { steps, consts, output: trace.output, nodeCount: trace.nodes.length };
    this.compiled.set(key, g);
    return g;
  }
}
