import * as tf from '@tensorflow/tfjs';
import { heapPtr, makeOutput, nativeKernels } from '../wasm-kernels/native.ts';
import type { KernelArgs } from './kernel-context.ts';

/** Concat of float32 tensors along any axis by row copies; other dtypes go to the stock kernel. */
export function concatFast(stock: tf.KernelFunc): tf.KernelFunc {
  return ((args: KernelArgs) => {
    const { inputs, backend, attrs } = args;
    const xs = Object.values(inputs as unknown as tf.TensorInfo[]);
    const n = nativeKernels(backend);
    if (!n || xs.length < 2 || xs.some((t) => t.dtype !== 'float32' || tf.util.sizeFromShape(t.shape) === 0))
      return stock(args);
    const axis = tf.util.parseAxisParam((attrs as unknown as tf.ConcatAttrs).axis, xs[0].shape)[0];
    tf.backend_util.assertParamsConsistent(
      xs.map((t) => t.shape),
      axis,
    );
    const outShape = tf.backend_util.computeOutShape(
      xs.map((t) => t.shape),
      axis,
    );
    const rows = tf.util.sizeFromShape(xs[0].shape.slice(0, axis));
    const inner = xs.map((t) => tf.util.sizeFromShape(t.shape.slice(axis)));
    const total = inner.reduce((a, b) => a + b, 0);
    const out = makeOutput(backend, outShape);
    const o = heapPtr(backend, out);
    let off = 0;
    xs.forEach((t, i) => {
      n.strided_copy(heapPtr(backend, t), o + 4 * off, rows, inner[i], inner[i], total);
      off += inner[i];
    });
    return out;
  }) as unknown as tf.KernelFunc;
}

/** SplitV of a float32 tensor by row copies (the stock kernel runs a wasm Slice per output). */
export function splitVFast(stock: tf.KernelFunc): tf.KernelFunc {
  return ((args: KernelArgs) => {
    const { inputs, backend, attrs } = args;
    const { x } = inputs as { x: tf.TensorInfo };
    const n = nativeKernels(backend);
    if (!n || x.dtype !== 'float32' || tf.util.sizeFromShape(x.shape) === 0) return stock(args);
    const { numOrSizeSplits, axis } = attrs as unknown as tf.SplitVAttrs;
    const ax = tf.util.parseAxisParam(axis, x.shape)[0];
    const sizes = tf.backend_util.prepareSplitSize(x, numOrSizeSplits, ax);
    const rows = tf.util.sizeFromShape(x.shape.slice(0, ax));
    const perUnit = tf.util.sizeFromShape(x.shape.slice(ax + 1));
    const total = x.shape[ax] * perUnit;
    const src = heapPtr(backend, x);
    let off = 0;
    return sizes.map((s) => {
      const shape = x.shape.slice();
      shape[ax] = s;
      const out = makeOutput(backend, shape);
      if (s > 0 && rows > 0)
        n.strided_copy(src + 4 * off, heapPtr(backend, out), rows, s * perUnit, total, s * perUnit);
      off += s * perUnit;
      return out;
    });
  }) as unknown as tf.KernelFunc;
}
