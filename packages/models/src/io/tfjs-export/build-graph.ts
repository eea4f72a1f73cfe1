import { attr, constNode, placeholderNode, type AttrValue, type NodeDef } from './graph-def.ts';
import { emitKernel, type EmitContext } from './kernel-to-tf.ts';
import type { Trace, TraceRef } from './trace-forward.ts';

/** A constant's bytes for the weights manifest (its name is the `Const` node's name). */
export interface GraphWeight {
  name: string;
  dtype: 'float32' | 'int32' | 'bool';
  shape: number[];
  values: Float32Array | Int32Array | Uint8Array;
}

export interface BuiltGraph {
  nodes: NodeDef[];
  weights: GraphWeight[];
  inputName: string;
  outputName: string;
}

/**
 * Turns a trace into GraphDef nodes: a `Placeholder` named `inputName`, one `Const` per constant
 * the kept nodes read (values go to `weights`), the translated kernels in trace order, and a
 * final `Identity` named `outputName`. Same-shape Reshape/Identity calls become aliases. Kernels the output does not depend on (side outputs,
 * auxiliary heads) are dropped, so the output is the graph's only sink.
 */
export function buildGraph(trace: Trace, inputName = 'input', outputName = 'output'): BuiltGraph {
  const keep = new Set<number>();
  const stack: TraceRef[] = [trace.output];
  while (stack.length) {
    const r = stack.pop()!;
    if (r.kind !== 'node' || keep.has(r.index)) continue;
    keep.add(r.index);
    for (const inp of Object.values(trace.nodes[r.index].inputs)) if (inp) stack.push(inp);
  }

  const nodes: NodeDef[] = [placeholderNode(inputName, trace.inputShape)];
  const weights: GraphWeight[] = [];
  const names = new Set<string>([inputName, outputName]);
  const nodeNames = new Map<number, string>();
  const constNames = new Map<number, string>();
  const unique = (base: string) => {
    let name = base;
    for (let i = 1; names.has(name); i++) name = `${base}_${i}`;
    names.add(name);
    return name;
  };
  const addConst = (base: string, dtype: GraphWeight['dtype'], shape: number[], values: GraphWeight['values']) => {
    const name = unique(base);
    nodes.push(constNode(name, dtype, shape));
    weights.push({ name, dtype, shape, values });
    return name;
  };

  const ctx: EmitContext = {
    ref(r, what) {
      if (!r) throw new Error(`graph export: missing input '${what}'`);
      if (r.kind === 'input') return inputName;
      if (r.kind === 'node') {
        const n = nodeNames.get(r.index);
        if (!n) throw new Error(`graph export: node ${r.index} used before it was emitted`);
        return n;
      }
      const known = constNames.get(r.index);
      if (known) return known;
      const c = trace.consts[r.index];
      if (c.dtype !== 'float32' && c.dtype !== 'int32' && c.dtype !== 'bool')
        throw new Error(`graph export: constant '${c.name}' has dtype ${c.dtype}`);
      const name = addConst(c.name, c.dtype, c.shape, c.values);
      constNames.set(r.index, name);
      return name;
    },
    intConst: (values, shape) => addConst('shape', 'int32', [...(shape ?? [values.length])], Int32Array.from(values)),
    floatConst: (values, shape) =>
      addConst('scalar', 'float32', [...(shape ?? [values.length])], Float32Array.from(values)),
    emit(base: string, op: string, inputs: string[], attrs: Record<string, AttrValue> = {}) {
      const name = unique(base);
      nodes.push({ name, op, input: inputs, attr: attrs });
      return name;
    },
  };

  const shapeOf = (r: TraceRef | null) =>
    !r ? null : r.kind === 'input' ? trace.inputShape : r.kind === 'node' ? trace.nodes[r.index].shape : null;
  trace.nodes.forEach((n, i) => {
    if (!keep.has(i)) return;
    // Reshapes to the same shape (tf.batchNorm wraps its kernel in two) and Identity are aliases.
    const passThrough =
      (n.kernel === 'Reshape' || n.kernel === 'Identity') && shapeOf(n.inputs.x)?.join(',') === n.shape.join(',');
    nodeNames.set(i, passThrough ? ctx.ref(n.inputs.x, 'x') : emitKernel(n, ctx));
  });
  const last = ctx.ref(trace.output, 'output');
  nodes.push({ name: outputName, op: 'Identity', input: [last], attr: { T: attr.type('float32') } });
  return { nodes, weights, inputName, outputName };
}
