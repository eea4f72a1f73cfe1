import * as tf from '@tensorflow/tfjs';
import { heapPtr, makeOutput, nativeKernels } from '../wasm-kernels/native.ts';
import { kernelContext, type KernelArgs } from './kernel-context.ts';

/**
 * Sum / Mean over a contiguous block of axes that is not innermost (BatchNorm moments over
 * [0,1,2] of NHWC, bias gradients, global average pooling over [1,2]). With x viewed as
 * [B, M, C] (B = axes before the block, M = the block, C = axes after it):
 *   s[b, c] = Σ_m x[b, m, c],  mean = s / M
 * in one streaming pass by our SIMD kernel (kernels.c `channel_sum`); without the module, as
 * one BatchMatMul 1[B,1,M] · x[B,M,C]. The stock wasm kernels first transpose the reduced axes
 * innermost (a full copy of x); a matmul re-packs x as XNNPACK weights on every call.
 * Everything else (innermost axes, non-float32, tiny inputs) goes to the stock kernel `fallback`.
 */
export function leadingAxesReducer(kind: 'Sum' | 'Mean', fallback: tf.KernelFunc): tf.KernelFunc {
  return ((args: KernelArgs) => {
    const { inputs, backend, attrs } = args;
    const { x } = inputs as { x: tf.TensorInfo };
    const { axis, keepDims } = attrs as unknown as { axis: number | number[]; keepDims: boolean };
    const rank = x.shape.length;
    const axes = [...new Set(tf.util.parseAxisParam(axis, x.shape))].sort((a, b) => a - b);
    const first = axes[0],
      last = axes[axes.length - 1];
    const contiguous = axes.length > 0 && last - first + 1 === axes.length;
    if (x.dtype !== 'float32' || !contiguous || last === rank - 1 || tf.util.sizeFromShape(x.shape) < 4096) {
      return fallback(args);
    }
    const B = tf.util.sizeFromShape(x.shape.slice(0, first));
    const M = tf.util.sizeFromShape(x.shape.slice(first, last + 1));
    const C = tf.util.sizeFromShape(x.shape.slice(last + 1));
    const outShape = keepDims
      ? x.shape.map((d, i) => (i >= first && i <= last ? 1 : d))
      : x.shape.filter((_, i) => i < first || i > last);
    const native = nativeKernels(backend);
    if (native) {
      const out = makeOutput(backend, outShape);
      native.channel_sum(heapPtr(backend, x), heapPtr(backend, out), B, M, C, kind === 'Mean' ? 1 / M : 1);
      return out;
    }
    const { run, done } = kernelContext(backend);
    const ones = run('Fill', {}, { shape: [B, 1, M], value: kind === 'Mean' ? 1 / M : 1, dtype: 'float32' });
    const x3 = run('Reshape', { x }, { shape: [B, M, C] });
    const s = run('BatchMatMul', { a: ones, b: x3 }, { transposeA: false, transposeB: false });
    return done(run('Reshape', { x: s }, { shape: outShape }));
  }) as unknown as tf.KernelFunc;
}
