import type { Trace, TracedConst, TracedNode, TraceRef } from '../io/tfjs-export/trace-forward.ts';

const CONV = new Set(['Conv2D', 'DepthwiseConv2dNative', 'FusedConv2D', 'FusedDepthwiseConv2D']);
const FUSED: Record<string, string> = {
  Conv2D: 'FusedConv2D',
  DepthwiseConv2dNative: 'FusedDepthwiseConv2D',
  FusedConv2D: 'FusedConv2D',
  FusedDepthwiseConv2D: 'FusedDepthwiseConv2D',
};
const ACT: Record<string, string> = { Relu: 'relu', Relu6: 'relu6', Sigmoid: 'sigmoid', Prelu: 'prelu' };

/** A conv reached from a BatchNorm through channel-preserving linear nodes; `lo` = its first BN channel. */
interface Leaf {
  index: number;
  lo: number;
  /** This leaf adds the BN offset β − mean·s for its channels (exactly one leaf per channel). */
  carry: boolean;
  /** A constant per-channel addend after the conv (a separate bias Add), folded into its bias. */
  addend?: Float32Array;
  /** The index of that Add (it becomes the folded conv). */
  addNode?: number;
}

/**
 * Inference rewrite of a trace (fewer, fused ops):
 * 1. eval BatchNorm y = s·(x − mean) + β, s = γ/√(var + ε), over x = a tree of single-use
 *    Add (same channels), channel Concat and bilinear ResizeBilinear (linear, keeps constants)
 *    whose leaves are convs with constant filters: every leaf conv becomes a fused conv with
 *    w'[…,o] = w[…,o]·s[o] and b'[o] = b[o]·s[o] (+ β[o] − mean[o]·s[o] on exactly one leaf per
 *    channel, a leaf outside any resize where there is one), and the BN is dropped. This covers
 *    conv → BN (MobileNetV3, SCFNet's CBRs), gOctConv's Σ_i conv/upsample(conv) → BN and
 *    CSNet's concat of dilated convs → BN. (conv filter [k,k,Ci,Co]: o is the last axis;
 *    depthwise [k,k,C,1]: o = C.)
 * 2. a fused conv with a bias and no activation, followed by Relu / Relu6 / Sigmoid / PReLU
 *    (per-channel constant slopes) that is its only consumer, takes that activation.
 * Values change by float32 rounding only (≈ 1e-7 relative). Unmatched nodes are kept as they are;
 * replaced nodes stay in the list unreferenced (buildGraph / the inference graph drop them).
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
  const soleNode = (r: TraceRef | null | undefined): number | null =>
    r?.kind === 'node' && uses.get(r.index) === 1 ? r.index : null;
  const addConst = (c: TracedConst): TraceRef => {
    consts.push(c);
    return { kind: 'const', index: consts.length - 1 };
  };
  const channels = (i: number) => nodes[i].shape[nodes[i].shape.length - 1];

  /** Leaves under `r` for BN channels [lo, lo + channels); null when the tree is not foldable. */
  const leavesOf = (r: TraceRef | null, lo: number, carry: boolean, resized: boolean, out: Leaf[]): boolean => {
    const i = soleNode(r);
    if (i === null) return false;
    const n = nodes[i];
    if (CONV.has(n.kernel)) {
      const w = constOf(n.inputs.filter);
      if (
        !w ||
        w.dtype !== 'float32' ||
        (n.attrs.activation ?? 'linear') !== 'linear' ||
        n.inputs.preluActivationWeights
      )
        return false;
      if (n.inputs.bias && !constOf(n.inputs.bias)) return false;
      out.push({ index: i, lo, carry: carry && !resized });
      return true;
    }
    if (n.kernel === 'Add' || n.kernel === 'AddV2') {
      const [a, b] = [n.inputs.a, n.inputs.b];
      // conv + per-channel constant (Conv2d's bias after a dilated conv): the constant joins the conv's bias
      const c = constOf(b) ?? constOf(a);
      if (c) {
        const other = c === constOf(b) ? a : b;
        const ci = soleNode(other);
        if (ci === null || !CONV.has(nodes[ci].kernel) || c.dtype !== 'float32') return false;
        if (c.values.length !== channels(ci) || c.shape.slice(0, -1).some((d) => d !== 1)) return false;
        const before = out.length;
        if (!leavesOf(other, lo, carry, resized, out)) return false;
        out[before].addend = c.values as Float32Array;
        out[before].addNode = i;
        return true;
      }
      if (shapeOf(a)?.join(',') !== n.shape.join(',') || shapeOf(b)?.join(',') !== n.shape.join(',')) return false;
      return leavesOf(a, lo, carry, resized, out) && leavesOf(b, lo, false, resized, out);
    }
    if (n.kernel === 'ResizeBilinear') return leavesOf(n.inputs.images, lo, carry, true, out);
    if (n.kernel === 'Concat') {
      const axis = n.attrs.axis as number;
      if (axis !== 3 && axis !== -1) return false;
      let off = lo;
      for (let k = 0; n.inputs[String(k)] !== undefined; k++) {
        const r2 = n.inputs[String(k)];
        if (!leavesOf(r2, off, carry, resized, out)) return false;
        off += r2?.kind === 'node' ? channels(r2.index) : 0;
      }
      return true;
    }
    return false;
  };

  nodes.forEach((bn, j) => {
    if (bn.kernel !== 'FusedBatchNorm') return;
    const mean = constOf(bn.inputs.mean);
    const variance = constOf(bn.inputs.variance);
    if (!mean || !variance) return;
    const ch = mean.values.length;
    const gamma = constOf(bn.inputs.scale)?.values ?? new Float32Array(ch).fill(1);
    const beta = constOf(bn.inputs.offset)?.values ?? new Float32Array(ch);
    const leaves: Leaf[] = [];
    if (!leavesOf(bn.inputs.x, 0, true, false, leaves)) return;
    // every channel's offset once: where the first leaf of a range sits under a resize, it still carries it
    const carried = new Uint8Array(ch);
    for (const l of leaves) if (l.carry) carried.fill(1, l.lo, l.lo + channels(l.index));
    for (const l of leaves)
      if (!l.carry && carried.subarray(l.lo, l.lo + channels(l.index)).every((v) => v === 0)) {
        l.carry = true;
        carried.fill(1, l.lo, l.lo + channels(l.index));
      }
    if (!carried.every((v) => v === 1)) return;
    const eps = bn.attrs.varianceEpsilon as number;
    const s = Float64Array.from(mean.values, (_, o) => gamma[o] / Math.sqrt(variance.values[o] + eps));
    for (const l of leaves) {
      const conv = nodes[l.index];
      const w = constOf(conv.inputs.filter)!;
      const co = channels(l.index);
      const bias = Float32Array.from(conv.inputs.bias ? constOf(conv.inputs.bias)!.values : new Float32Array(co));
      if (l.addend) for (let o = 0; o < co; o++) bias[o] += l.addend[o];
      const wf = new Float32Array(w.values.length);
      for (let i = 0; i < wf.length; i++) wf[i] = w.values[i] * s[l.lo + (i % co)];
      const bf = Float32Array.from(bias, (b, o) => {
        const so = s[l.lo + o];
        return l.carry ? (b - mean.values[l.lo + o]) * so + beta[l.lo + o] : b * so;
      });
      nodes[l.index] = {
        kernel: FUSED[conv.kernel],
        inputs: {
          x: conv.inputs.x,
          filter: addConst({ ...w, name: `${w.name}/bn_folded`, values: wf }),
          bias: addConst({
            name: `${mean.name.replace(/running_mean$/, '')}bn_folded_bias${leaves.length > 1 ? `/${l.lo}` : ''}`,
            shape: [co],
            dtype: 'float32',
            values: bf,
          }),
        },
        attrs: { ...conv.attrs, activation: 'linear' },
        shape: conv.shape,
        dtype: conv.dtype,
      };
    }
    for (const l of leaves)
      if (l.addNode !== undefined) {
        nodes[l.addNode] = { ...nodes[l.index], shape: nodes[l.addNode].shape };
        uses.set(l.index, 0);
      }
    // the BN's result is now its input's: copy that node into the BN's slot (the original goes unreferenced)
    const src = (bn.inputs.x as { index: number }).index;
    nodes[j] = { ...nodes[src], shape: bn.shape, dtype: bn.dtype };
    uses.set(j, uses.get(j) ?? 0);
    uses.set(src, 0);
  });

  nodes.forEach((act, k) => {
    const name = ACT[act.kernel];
    if (!name) return;
    const ci = soleNode(act.inputs.x);
    const conv = ci === null ? null : nodes[ci];
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
