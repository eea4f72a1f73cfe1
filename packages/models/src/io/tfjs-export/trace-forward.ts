import * as tf from '@tensorflow/tfjs';

/** Where a traced kernel input comes from: the graph input, an earlier traced node, or a constant. */
export type TraceRef = { kind: 'input' } | { kind: 'node'; index: number } | { kind: 'const'; index: number };

/** One kernel call that depends on the graph input. `inputs` keeps the kernel's own input names. */
export interface TracedNode {
  kernel: string;
  inputs: Record<string, TraceRef | null>;
  attrs: Record<string, unknown>;
  shape: number[];
  dtype: tf.DataType;
}

/** A tensor the traced nodes read that does not depend on the input (weights, folded constants). */
export interface TracedConst {
  name: string;
  shape: number[];
  dtype: tf.DataType;
  values: Float32Array | Int32Array | Uint8Array;
}

export interface Trace {
  inputShape: number[];
  nodes: TracedNode[];
  consts: TracedConst[];
  output: TraceRef;
}

/**
 * Runs `forward(x)` once on a zero input of `inputShape` (NHWC) and records every kernel call
 * (`tf.engine().runKernel`, the one entry point of tfjs ops) whose inputs depend on x. Calls that
 * depend only on weights (Cast, Fill, a weight times 100, …) are folded: their results become
 * constants, read when a recorded call first uses them. Kernels a backend runs from inside
 * another kernel are not recorded (only the outermost call). `constNames` names constants by
 * tensor id (state-dict names for the model's variables); the rest are named `const/<n>`.
 * Throws when the output does not depend on the input (a forward that left tfjs, e.g. via
 * `dataSync` and a new tensor, cannot be traced).
 */
export function traceForward(
  forward: (x: tf.Tensor4D) => tf.Tensor,
  inputShape: [number, number, number, number],
  constNames: ReadonlyMap<number, string>,
): Trace {
  const engine = tf.engine() as unknown as {
    runKernel: (name: string, inputs: tf.NamedTensorMap, attrs: Record<string, unknown>) => tf.Tensor | tf.Tensor[];
  };
  const original = engine.runKernel;
  const refs = new Map<number, TraceRef>();
  const nodes: TracedNode[] = [];
  const consts: TracedConst[] = [];
  const usedNames = new Set<string>();
  let depth = 0;

  const constRef = (t: tf.Tensor): TraceRef => {
    const known = refs.get(t.id);
    if (known) return known;
    let name = constNames.get(t.id) ?? `const/${consts.length}`;
    while (usedNames.has(name)) name += '_';
    usedNames.add(name);
    const data = t.dataSync();
    const values =
      t.dtype === 'int32'
        ? Int32Array.from(data as Int32Array)
        : t.dtype === 'bool'
          ? Uint8Array.from(data as Uint8Array)
          : Float32Array.from(data as Float32Array);
    const ref: TraceRef = { kind: 'const', index: consts.length };
    consts.push({ name, shape: [...t.shape], dtype: t.dtype, values });
    refs.set(t.id, ref);
    return ref;
  };

  engine.runKernel = function (this: unknown, name, inputs, attrs) {
    const top = depth === 0;
    depth++;
    let out: tf.Tensor | tf.Tensor[];
    try {
      out = original.call(this, name, inputs, attrs);
    } finally {
      depth--;
    }
    if (!top) return out;
    const given = Object.entries(inputs).filter(([, t]) => t != null) as [string, tf.Tensor][];
    const dynamic = given.some(([, t]) => refs.get(t.id)?.kind === 'input' || refs.get(t.id)?.kind === 'node');
    if (!dynamic) return out;
    const outs = Array.isArray(out) ? out : [out];
    if (outs.length !== 1)
      throw new Error(
        `traceForward: kernel '${name}' returned ${outs.length} outputs on a traced path; only single-output kernels are supported`,
      );
    const nodeInputs: Record<string, TraceRef | null> = {};
    for (const [k, t] of Object.entries(inputs)) nodeInputs[k] = t == null ? null : (refs.get(t.id) ?? constRef(t));
    nodes.push({
      kernel: name,
      inputs: nodeInputs,
      attrs: { ...(attrs ?? {}) },
      shape: [...outs[0].shape],
      dtype: outs[0].dtype,
    });
    refs.set(outs[0].id, { kind: 'node', index: nodes.length - 1 });
    return out;
  };
  try {
    let output: TraceRef | undefined;
    tf.tidy(() => {
      const x = tf.zeros(inputShape) as tf.Tensor4D;
      refs.set(x.id, { kind: 'input' });
      const y = forward(x);
      output = refs.get(y.id);
    });
    if (!output || output.kind === 'const')
      throw new Error('traceForward: the output does not depend on the input; the forward pass left tfjs ops');
    return { inputShape: [...inputShape], nodes, consts, output };
  } finally {
    engine.runKernel = original;
  }
}
