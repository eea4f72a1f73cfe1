import { inferenceKernelUsable } from '@kd/runtime';
import type { Trace, TracedConst, TracedNode, TraceRef } from '../io/tfjs-export/trace-forward.ts';

/**
 * Inference rewrite: elementwise chains → one single-pass runtime kernel each (@kd/runtime
 * infer-kernels.ts), where the active backend has it (wasm with our SIMD module; elsewhere the
 * trace is returned unchanged). Both kernels round like the chains, so values are identical.
 *   RealDiv(Multiply(x, Relu6(Add(x, 3))), 6)                        → KdHardSwish {x}
 *   Multiply(x, ClipByValue(Add(Multiply(s, a), b), 0, 1)), s [N,1,1,C] → KdHardSigmoidGate {x, s}, {slope a, offset b}
 * Only links that feed nothing else are absorbed; replaced nodes stay in the list unreferenced.
 */
export function fuseElementwise(trace: Trace): Trace {
  const hsw = inferenceKernelUsable('KdHardSwish');
  const gate = inferenceKernelUsable('KdHardSigmoidGate');
  if (!hsw && !gate) return trace;
  const nodes: TracedNode[] = trace.nodes.map((n) => ({ ...n }));
  const uses = new Map<number, number>();
  const use = (r: TraceRef | null) => {
    if (r?.kind === 'node') uses.set(r.index, (uses.get(r.index) ?? 0) + 1);
  };
  for (const n of nodes) for (const r of Object.values(n.inputs)) use(r);
  use(trace.output);
  const sole = (r: TraceRef | null | undefined, kernel: string): TracedNode | null =>
    r?.kind === 'node' && uses.get(r.index) === 1 && nodes[r.index].kernel === kernel ? nodes[r.index] : null;
  const scalar = (r: TraceRef | null | undefined): number | null => {
    const c: TracedConst | undefined = r?.kind === 'const' ? trace.consts[r.index] : undefined;
    return c && c.dtype === 'float32' && c.values.length === 1 ? c.values[0] : null;
  };
  const same = (a: TraceRef | null | undefined, b: TraceRef | null | undefined) =>
    !!a &&
    !!b &&
    a.kind === b.kind &&
    (a.kind === 'input' || (a as { index: number }).index === (b as { index: number }).index);
  const shapeOf = (r: TraceRef | null | undefined) =>
    r?.kind === 'node' ? nodes[r.index].shape : r?.kind === 'input' ? trace.inputShape : null;

  nodes.forEach((n, k) => {
    if (hsw && n.kernel === 'RealDiv' && scalar(n.inputs.b) === 6) {
      const m = sole(n.inputs.a, 'Multiply');
      if (!m) return;
      for (const [xi, ri] of [
        ['a', 'b'],
        ['b', 'a'],
      ] as const) {
        const r = sole(m.inputs[ri], 'Relu6');
        const t = r && sole(r.inputs.x, 'Add');
        if (t && scalar(t.inputs.b) === 3 && same(t.inputs.a, m.inputs[xi]) && n.dtype === 'float32') {
          nodes[k] = { kernel: 'KdHardSwish', inputs: { x: m.inputs[xi] }, attrs: {}, shape: n.shape, dtype: n.dtype };
          return;
        }
      }
    }
    if (gate && n.kernel === 'Multiply' && n.shape.length === 4) {
      for (const [xi, gi] of [
        ['a', 'b'],
        ['b', 'a'],
      ] as const) {
        const clip = sole(n.inputs[gi], 'ClipByValue');
        if (!clip || clip.attrs.clipValueMin !== 0 || clip.attrs.clipValueMax !== 1) continue;
        const add = sole(clip.inputs.x, 'Add');
        const offset = add ? scalar(add.inputs.b) : null;
        const mul = add ? sole(add.inputs.a, 'Multiply') : null;
        const slope = mul ? scalar(mul.inputs.b) : null;
        const s = mul?.inputs.a;
        const [N, , , C] = n.shape;
        if (offset === null || slope === null || shapeOf(s)?.join(',') !== `${N},1,1,${C}`) continue;
        if (shapeOf(n.inputs[xi])?.join(',') !== n.shape.join(',')) continue;
        nodes[k] = {
          kernel: 'KdHardSigmoidGate',
          inputs: { x: n.inputs[xi], s: s! },
          attrs: { slope, offset },
          shape: n.shape,
          dtype: n.dtype,
        };
        return;
      }
    }
  });
  return { ...trace, nodes };
}
