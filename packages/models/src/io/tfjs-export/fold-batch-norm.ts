import type { Trace, TracedConst, TracedNode, TraceRef } from './trace-forward.ts';

const CONV = new Set(['Conv2D', 'DepthwiseConv2dNative', 'FusedConv2D', 'FusedDepthwiseConv2D']);
const FUSED: Record<string, string> = {
  Conv2D: 'FusedConv2D',
  DepthwiseConv2dNative: 'FusedDepthwiseConv2D',
  FusedConv2D: 'FusedConv2D',
  FusedDepthwiseConv2D: 'FusedDepthwiseConv2D',
};
const ACT: Record<string, string> = { Relu: 'relu', Relu6: 'relu6', Sigmoid: 'sigmoid', Prelu: 'prelu' };

/**
 * Inference rewrite of a trace (fewer, fused ops for the browser):
 * 1. conv → eval BatchNorm, where the conv's result feeds nothing else, becomes one fused conv
 *    with w'[…,o] = w[…,o]·s[o] and b'[o] = (b[o] − mean[o])·s[o] + β[o], s = γ/√(var + ε)
 *    (conv filter [k,k,Ci,Co]: o is the last axis; depthwise [k,k,C,1]: o = C);
 * 2. a fused conv with a bias and no activation, followed by Relu / Relu6 / Sigmoid / PReLU
 *    (per-channel constant slopes) that is its only consumer, takes that activation.
 * Values change by float32 rounding only (≈ 1e-7 relative). Unmatched nodes are kept as they are;
 * replaced nodes stay in the list unreferenced (buildGraph drops them).
 */
export function foldBatchNorm(trace: Trace): Trace {
  // Same-shape Reshape/Identity (tf.batchNorm wraps its kernel in them) are looked through.
  const shapeOf = (r: TraceRef | null) =>
    !r ? null : r.kind === 'input' ? trace.inputShape : r.kind === 'node' ? trace.nodes[r.index].shape : null;
  const passThrough = (n: TracedNode) =>
    (n.kernel === 'Reshape' || n.kernel === 'Identity') && shapeOf(n.inputs.x)?.join(',') === n.shape.join(',');
  const alias = (r: TraceRef | null): TraceRef | null => {
    while (r?.kind === 'node' && passThrough(trace.nodes[r.index])) r = trace.nodes[r.index].inputs.x;
    return r;
  };
  const nodes: TracedNode[] = trace.nodes.map((n) => ({
    ...n,
    inputs: Object.fromEntries(Object.entries(n.inputs).map(([k, r]) => [k, alias(r)])),
    attrs: { ...n.attrs },
  }));
  const output = alias(trace.output)!;
  const consts = [...trace.consts];
  const uses = new Map<number, number>();
  const countUse = (r: TraceRef | null) => {
    if (r?.kind === 'node') uses.set(r.index, (uses.get(r.index) ?? 0) + 1);
  };
  nodes.forEach((n, i) => {
    if (!passThrough(trace.nodes[i])) for (const r of Object.values(n.inputs)) countUse(r);
  });
  countUse(output);
  const constOf = (r: TraceRef | null | undefined): TracedConst | null =>
    r?.kind === 'const' ? consts[r.index] : null;
  const soleNodeInput = (r: TraceRef | null | undefined): TracedNode | null =>
    r?.kind === 'node' && uses.get(r.index) === 1 ? nodes[r.index] : null;
  const addConst = (c: TracedConst): TraceRef => {
    consts.push(c);
    return { kind: 'const', index: consts.length - 1 };
  };

  nodes.forEach((bn, j) => {
    if (bn.kernel !== 'FusedBatchNorm') return;
    const conv = soleNodeInput(bn.inputs.x);
    const w = constOf(conv?.inputs.filter);
    if (
      !conv ||
      !w ||
      !CONV.has(conv.kernel) ||
      (conv.attrs.activation ?? 'linear') !== 'linear' ||
      conv.inputs.preluActivationWeights
    )
      return;
    const mean = constOf(bn.inputs.mean);
    const variance = constOf(bn.inputs.variance);
    if (!mean || !variance) return;
    const ch = mean.values.length;
    const gamma = constOf(bn.inputs.scale)?.values ?? new Float32Array(ch).fill(1);
    const beta = constOf(bn.inputs.offset)?.values ?? new Float32Array(ch);
    const bias = conv.inputs.bias ? constOf(conv.inputs.bias)?.values : new Float32Array(ch);
    if (!bias || bias.length !== ch || w.dtype !== 'float32') return;
    const eps = bn.attrs.varianceEpsilon as number;
    const s = Float64Array.from(mean.values, (_, o) => gamma[o] / Math.sqrt(variance.values[o] + eps));
    const wf = new Float32Array(w.values.length);
    for (let i = 0; i < wf.length; i++) wf[i] = w.values[i] * s[i % ch];
    const bf = Float32Array.from(s, (so, o) => (bias[o] - mean.values[o]) * so + beta[o]);
    nodes[j] = {
      kernel: FUSED[conv.kernel],
      inputs: {
        x: conv.inputs.x,
        filter: addConst({ ...w, name: `${w.name}/bn_folded`, values: wf }),
        bias: addConst({
          name: `${mean.name.replace(/running_mean$/, '')}bn_folded_bias`,
          shape: [ch],
          dtype: 'float32',
          values: bf,
        }),
      },
      attrs: { ...conv.attrs, activation: 'linear' },
      shape: bn.shape,
      dtype: bn.dtype,
    };
  });

  nodes.forEach((act, k) => {
    const name = ACT[act.kernel];
    if (!name) return;
    const conv = soleNodeInput(act.inputs.x);
    if (
      !conv ||
      (conv.kernel !== 'FusedConv2D' && conv.kernel !== 'FusedDepthwiseConv2D') ||
      !conv.inputs.bias ||
      (conv.attrs.activation ?? 'linear') !== 'linear'
    )
      return;
    const alpha = name === 'prelu' ? act.inputs.alpha : null;
    if (name === 'prelu' && (!constOf(alpha) || constOf(alpha)!.shape.length !== 1)) return;
    nodes[k] = {
      ...conv,
      inputs: { ...conv.inputs, ...(alpha ? { preluActivationWeights: alpha } : {}) },
      attrs: { ...conv.attrs, activation: name },
      shape: act.shape,
    };
  });
  return { ...trace, nodes, consts, output };
}
