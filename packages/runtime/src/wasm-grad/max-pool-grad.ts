import * as tf from '@tensorflow/tfjs';
import type { KernelArgs } from './kernel-context.ts';

interface HeapBackend {
  makeOutput(shape: number[], dtype: tf.DataType): tf.TensorInfo;
  typedArrayFromHeap(t: tf.TensorInfo): Float32Array;
}

/**
 * MaxPoolGrad for wasm, replacing the stock kernel (tfjs-backend-wasm 4.22 `MaxPoolGrad.cc`), which
 * starts each window's max search at `std::numeric_limits<float>::min()` — the smallest *positive*
 * float — so in a window whose values are all ≤ 0 nothing wins and the gradient goes to the wrong
 * cell or is lost (it also breaks ties toward the last cell). Negative windows are common after
 * PReLU/SiLU/BN (CSNet's gOctConv max-pools, YOLOX SPP). Same semantics as the cpu backend: the
 * first maximum of the in-bounds cells of each window receives dy, summed over windows.
 * dy [N,OH,OW,C], input [N,H,W,C] → dx [N,H,W,C]. Plain JS on the heap views (O(N·OH·OW·C·k²)).
 */
export function maxPoolGradWasm({ inputs, backend, attrs }: KernelArgs): tf.TensorInfo {
  const { dy, input } = inputs as { dy: tf.TensorInfo; input: tf.TensorInfo };
  const { filterSize, strides, pad, dimRoundingMode } = attrs as unknown as tf.MaxPoolGradAttrs;
  const info = tf.backend_util.computePool2DInfo(
    input.shape as [number, number, number, number],
    filterSize,
    strides,
    1,
    pad,
    dimRoundingMode,
  );
  const { batchSize: N, inHeight: H, inWidth: W, inChannels: C, outHeight: OH, outWidth: OW } = info;
  const {
    strideHeight: sh,
    strideWidth: sw,
    dilationHeight: dh,
    dilationWidth: dw,
    effectiveFilterHeight: KH,
    effectiveFilterWidth: KW,
  } = info;
  const { top, left } = info.padInfo;
  const b = backend as unknown as HeapBackend;
  const out = b.makeOutput(input.shape, 'float32');
  // Views after the allocation (a heap growth would detach earlier ones).
  const x = b.typedArrayFromHeap(input);
  const g = b.typedArrayFromHeap(dy);
  const dx = b.typedArrayFromHeap(out);
  dx.fill(0);
  for (let n = 0; n < N; n++) {
    for (let oh = 0; oh < OH; oh++) {
      const r0 = oh * sh - top;
      for (let ow = 0; ow < OW; ow++) {
        const c0 = ow * sw - left;
        const gBase = ((n * OH + oh) * OW + ow) * C;
        for (let c = 0; c < C; c++) {
          let best = -Infinity;
          let at = -1;
          for (let kh = 0; kh < KH; kh += dh) {
            const r = r0 + kh;
            if (r < 0 || r >= H) continue;
            for (let kw = 0; kw < KW; kw += dw) {
              const col = c0 + kw;
              if (col < 0 || col >= W) continue;
              const i = ((n * H + r) * W + col) * C + c;
              if (x[i] > best) {
                best = x[i];
                at = i;
              }
            }
          }
          if (at >= 0) dx[at] += g[gBase + c];
        }
      }
    }
  }
  return out;
}
