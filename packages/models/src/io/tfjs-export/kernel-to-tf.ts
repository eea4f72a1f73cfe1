import { attr, type AttrValue } from './graph-def.ts';
import type { TracedNode, TraceRef } from './trace-forward.ts';

/** What a kernel translation needs from the graph being built. */
export interface EmitContext {
  /** Node name holding a traced input (`what` names it in errors). */
  ref(r: TraceRef | null | undefined, what: string): string;
  /** A new int32 / float32 `Const` node holding `values` (shape default [values.length]). */
  intConst(values: readonly number[], shape?: readonly number[]): string;
  floatConst(values: readonly number[], shape?: readonly number[]): string;
  /** Adds a node (its name is made unique from `base`) and returns its name. */
  emit(base: string, op: string, inputs: string[], attrs?: Record<string, AttrValue>): string;
}

type Translate = (n: TracedNode, c: EmitContext) => string;

const pair = (v: unknown, what: string): [number, number] => {
  if (typeof v === 'number') return [v, v];
  if (Array.isArray(v) && v.length === 2 && v.every((x) => typeof x === 'number')) return [v[0], v[1]];
  throw new Error(`graph export: ${what} ${JSON.stringify(v)} is not a number or a pair`);
};

/** TF padding attributes for a tfjs `pad` (a number, 'same'/'valid', or explicit [[t,b],[l,r]] in NHWC). */
function padAttrs(pad: unknown, where: string): Record<string, AttrValue> {
  if (pad === 'same' || pad === 'valid') return { padding: attr.str(pad.toUpperCase()) };
  if (pad === 0) return { padding: attr.str('VALID') };
  if (typeof pad === 'number')
    return { padding: attr.str('EXPLICIT'), explicit_paddings: attr.ints([0, 0, pad, pad, pad, pad, 0, 0]) };
  if (Array.isArray(pad) && pad.length === 4)
    return { padding: attr.str('EXPLICIT'), explicit_paddings: attr.ints((pad as number[][]).flat()) };
  throw new Error(`graph export: ${where} pad ${JSON.stringify(pad)} is not supported`);
}

function convAttrs(n: TracedNode): Record<string, AttrValue> {
  if (n.attrs.dataFormat && n.attrs.dataFormat !== 'NHWC')
    throw new Error(`graph export: ${n.kernel} dataFormat '${n.attrs.dataFormat}' (only NHWC)`);
  if (n.attrs.dimRoundingMode != null) throw new Error(`graph export: ${n.kernel} dimRoundingMode is not supported`);
  const [sh, sw] = pair(n.attrs.strides, `${n.kernel} strides`);
  const [dh, dw] = pair(n.attrs.dilations ?? 1, `${n.kernel} dilations`);
  return {
    T: attr.type('float32'),
    data_format: attr.str('NHWC'),
    strides: attr.ints([1, sh, sw, 1]),
    dilations: attr.ints([1, dh, dw, 1]),
    ...padAttrs(n.attrs.pad, n.kernel),
  };
}

const ACTIVATION_OP: Record<string, string> = {
  relu: 'Relu',
  relu6: 'Relu6',
  sigmoid: 'Sigmoid',
  leakyrelu: 'LeakyRelu',
  prelu: 'Prelu',
  elu: 'Elu',
};

/**
 * tfjs FusedConv2D / FusedDepthwiseConv2D → `_FusedConv2D` / `FusedDepthwiseConv2dNative` with
 * fused_ops [BiasAdd, activation] when there is a bias (what tfjs-converter reads back); without
 * a bias, the plain convolution followed by a separate activation node.
 */
function fusedConv(depthwise: boolean): Translate {
  return (n, c) => {
    const x = c.ref(n.inputs.x, 'x');
    const filter = c.ref(n.inputs.filter, 'filter');
    const act = (n.attrs.activation as string | undefined) ?? 'linear';
    const actOp = act === 'linear' ? null : ACTIVATION_OP[act];
    if (act !== 'linear' && !actOp) throw new Error(`graph export: fused activation '${act}' is not supported`);
    const base = convAttrs(n);
    const alpha = act === 'prelu' ? c.ref(n.inputs.preluActivationWeights, 'preluActivationWeights') : null;
    const leaky: Record<string, AttrValue> =
      act === 'leakyrelu' ? { alpha: attr.float((n.attrs.leakyreluAlpha as number) ?? 0.2) } : {};
    if (n.inputs.bias) {
      const args = [c.ref(n.inputs.bias, 'bias'), ...(alpha ? [alpha] : [])];
      const fusedOps = ['BiasAdd', ...(actOp ? [actOp] : [])];
      const extra: Record<string, AttrValue> =
        act === 'leakyrelu' && !depthwise ? { leakyrelu_alpha: leaky.alpha! } : {};
      if (act === 'leakyrelu' && depthwise)
        throw new Error('graph export: depthwise conv with fused leakyrelu is not supported');
      return c.emit(
        depthwise ? 'FusedDepthwiseConv2dNative' : 'FusedConv2D',
        depthwise ? 'FusedDepthwiseConv2dNative' : '_FusedConv2D',
        [x, filter, ...args],
        {
          ...base,
          fused_ops: attr.strs(fusedOps),
          num_args: attr.int(args.length),
          ...extra,
        },
      );
    }
    const y = c.emit(
      depthwise ? 'DepthwiseConv2dNative' : 'Conv2D',
      depthwise ? 'DepthwiseConv2dNative' : 'Conv2D',
      [x, filter],
      base,
    );
    if (!actOp) return y;
    return c.emit(actOp, actOp, alpha ? [y, alpha] : [y], { T: attr.type('float32'), ...leaky });
  };
}

const plainConv =
  (depthwise: boolean): Translate =>
  (n, c) =>
    c.emit(
      depthwise ? 'DepthwiseConv2dNative' : 'Conv2D',
      depthwise ? 'DepthwiseConv2dNative' : 'Conv2D',
      [c.ref(n.inputs.x ?? n.inputs.input, 'x'), c.ref(n.inputs.filter, 'filter')],
      convAttrs(n),
    );

const unary =
  (op: string): Translate =>
  (n, c) =>
    c.emit(op, op, [c.ref(n.inputs.x, 'x')], { T: attr.type(n.dtype) });
const binary =
  (op: string): Translate =>
  (n, c) =>
    c.emit(op, op, [c.ref(n.inputs.a, 'a'), c.ref(n.inputs.b, 'b')], { T: attr.type(n.dtype) });
const reduce =
  (op: string): Translate =>
  (n, c) => {
    const axis = ([] as number[]).concat(n.attrs.axis as number | number[]);
    return c.emit(op, op, [c.ref(n.inputs.x, 'x'), c.intConst(axis)], {
      T: attr.type(n.dtype),
      keep_dims: attr.bool(Boolean(n.attrs.keepDims)),
    });
  };
const pool =
  (op: string): Translate =>
  (n, c) => {
    if (n.attrs.dimRoundingMode != null) throw new Error(`graph export: ${n.kernel} dimRoundingMode is not supported`);
    const pad = n.attrs.pad === 0 ? 'valid' : n.attrs.pad;
    if (pad !== 'valid' && pad !== 'same')
      throw new Error(`graph export: ${n.kernel} pad ${JSON.stringify(n.attrs.pad)} (only 'valid'/'same')`);
    const [kh, kw] = pair(n.attrs.filterSize, `${n.kernel} filterSize`);
    const [sh, sw] = pair(n.attrs.strides, `${n.kernel} strides`);
    return c.emit(op, op, [c.ref(n.inputs.x, 'x')], {
      T: attr.type('float32'),
      ksize: attr.ints([1, kh, kw, 1]),
      strides: attr.ints([1, sh, sw, 1]),
      padding: attr.str(pad.toUpperCase()),
      data_format: attr.str('NHWC'),
    });
  };

/** tfjs kernel name → its TensorFlow op(s). Kernels missing here stop the export with their name. */
export const KERNEL_TO_TF: Record<string, Translate> = {
  FusedConv2D: fusedConv(false),
  FusedDepthwiseConv2D: fusedConv(true),
  Conv2D: plainConv(false),
  DepthwiseConv2dNative: plainConv(true),
  FusedBatchNorm: (n, c) => {
    const x = c.ref(n.inputs.x, 'x');
    const ch = n.shape[n.shape.length - 1];
    const scale = n.inputs.scale ? c.ref(n.inputs.scale, 'scale') : c.floatConst(new Array(ch).fill(1));
    const offset = n.inputs.offset ? c.ref(n.inputs.offset, 'offset') : c.floatConst(new Array(ch).fill(0));
    const args = [x, scale, offset, c.ref(n.inputs.mean, 'mean'), c.ref(n.inputs.variance, 'variance')];
    return c.emit('FusedBatchNorm', 'FusedBatchNorm', args, {
      T: attr.type('float32'),
      epsilon: attr.float(n.attrs.varianceEpsilon as number),
      data_format: attr.str('NHWC'),
      is_training: attr.bool(false),
    });
  },
  Reshape: (n, c) =>
    c.emit('Reshape', 'Reshape', [c.ref(n.inputs.x, 'x'), c.intConst(n.shape)], { T: attr.type(n.dtype) }),
  Identity: unary('Identity'),
  Relu: unary('Relu'),
  Relu6: unary('Relu6'),
  Sigmoid: unary('Sigmoid'),
  Tanh: unary('Tanh'),
  Exp: unary('Exp'),
  Neg: unary('Neg'),
  Abs: unary('Abs'),
  Sqrt: unary('Sqrt'),
  Rsqrt: unary('Rsqrt'),
  Square: unary('Square'),
  Elu: unary('Elu'),
  LeakyRelu: (n, c) =>
    c.emit('LeakyRelu', 'LeakyRelu', [c.ref(n.inputs.x, 'x')], {
      T: attr.type('float32'),
      alpha: attr.float(n.attrs.alpha as number),
    }),
  Prelu: (n, c) =>
    c.emit('Prelu', 'Prelu', [c.ref(n.inputs.x, 'x'), c.ref(n.inputs.alpha, 'alpha')], { T: attr.type('float32') }),
  Add: binary('AddV2'),
  Sub: binary('Sub'),
  Multiply: binary('Mul'),
  RealDiv: binary('RealDiv'),
  Maximum: binary('Maximum'),
  Minimum: binary('Minimum'),
  Mean: reduce('Mean'),
  Sum: reduce('Sum'),
  Max: reduce('Max'),
  Min: reduce('Min'),
  MaxPool: pool('MaxPool'),
  AvgPool: pool('AvgPool'),
  ClipByValue: (n, c) =>
    c.emit(
      'ClipByValue',
      'ClipByValue',
      [
        c.ref(n.inputs.x, 'x'),
        c.floatConst([n.attrs.clipValueMin as number], []),
        c.floatConst([n.attrs.clipValueMax as number], []),
      ],
      { T: attr.type('float32') },
    ),
  ResizeBilinear: (n, c) => {
    const size = pair(n.attrs.size, 'ResizeBilinear size');
    return c.emit('ResizeBilinear', 'ResizeBilinear', [c.ref(n.inputs.images, 'images'), c.intConst(size)], {
      T: attr.type('float32'),
      align_corners: attr.bool(Boolean(n.attrs.alignCorners)),
      half_pixel_centers: attr.bool(Boolean(n.attrs.halfPixelCenters)),
    });
  },
  Slice: (n, c) => {
    const begin = n.attrs.begin as number[];
    // tfjs' Slice kernel gets -1 for "to the end"; the output shape holds the resolved size.
    return c.emit('Slice', 'Slice', [c.ref(n.inputs.x, 'x'), c.intConst(begin), c.intConst(n.shape)], {
      T: attr.type(n.dtype),
      Index: attr.type('int32'),
    });
  },
  Concat: (n, c) => {
    const keys = Object.keys(n.inputs).sort((a, b) => Number(a) - Number(b));
    const rank = n.shape.length;
    const axis = ((n.attrs.axis as number) + rank) % rank;
    return c.emit(
      'ConcatV2',
      'ConcatV2',
      [...keys.map((k) => c.ref(n.inputs[k], `input ${k}`)), c.intConst([axis], [])],
      { T: attr.type(n.dtype), N: attr.int(keys.length), Tidx: attr.type('int32') },
    );
  },
  PadV2: (n, c) => {
    const pads = (n.attrs.paddings as number[][]).flat();
    return c.emit(
      'PadV2',
      'PadV2',
      [
        c.ref(n.inputs.x, 'x'),
        c.intConst(pads, [pads.length / 2, 2]),
        c.floatConst([(n.attrs.constantValue as number) ?? 0], []),
      ],
      { T: attr.type('float32') },
    );
  },
  Transpose: (n, c) =>
    c.emit('Transpose', 'Transpose', [c.ref(n.inputs.x, 'x'), c.intConst(n.attrs.perm as number[])], {
      T: attr.type(n.dtype),
    }),
  Tile: (n, c) =>
    c.emit('Tile', 'Tile', [c.ref(n.inputs.x, 'x'), c.intConst(n.attrs.reps as number[])], { T: attr.type(n.dtype) }),
  Cast: (n, c) => c.emit('Cast', 'Cast', [c.ref(n.inputs.x, 'x')], { DstT: attr.type(n.attrs.dtype as string) }),
  Softmax: (n, c) => {
    if ((n.attrs.dim as number) !== -1 && n.attrs.dim !== n.shape.length - 1)
      throw new Error(`graph export: Softmax over axis ${n.attrs.dim} (only the last)`);
    return c.emit('Softmax', 'Softmax', [c.ref(n.inputs.logits, 'logits')], { T: attr.type('float32') });
  },
  BatchMatMul: (n, c) =>
    c.emit('BatchMatMulV2', 'BatchMatMulV2', [c.ref(n.inputs.a, 'a'), c.ref(n.inputs.b, 'b')], {
      T: attr.type('float32'),
      adj_x: attr.bool(Boolean(n.attrs.transposeA)),
      adj_y: attr.bool(Boolean(n.attrs.transposeB)),
    }),
};

/** Translates one traced kernel call; an unknown kernel (e.g. one of our training-only Kd* kernels) is an error naming it. */
export function emitKernel(n: TracedNode, c: EmitContext): string {
  const t = KERNEL_TO_TF[n.kernel];
  if (!t)
    throw new Error(
      `graph export: kernel '${n.kernel}' has no TensorFlow op mapping (supported: ${Object.keys(KERNEL_TO_TF).join(', ')})`,
    );
  return t(n, c);
}
