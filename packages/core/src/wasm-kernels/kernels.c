/*
 * Direct SIMD kernels for the tfjs wasm backend (kdlab issue 9). Built freestanding by
 * build.sh (clang --target=wasm32 -msimd128), the module imports tfjs's own linear memory, so
 * every pointer below is a byte offset of a tensor in the tfjs heap: no copies in or out.
 * Rules that keep this safe inside someone else's memory: no static data, no stack arrays,
 * no libc (build.sh checks the module has no data segments and never moves __stack_pointer).
 * All tensors are float32, NHWC; filters HWIO (depthwise [KH,KW,C,1]).
 */
#include <wasm_simd128.h>

#define EXPORT(name) __attribute__((export_name(#name)))

/*
 * Transposed im2col: out[(kh*KW + kw)*C + c][m] = x[n, oh*sh + kh*dh - pt, ow*sw + kw*dw - pl, c]
 * (0 outside x), m = (n*OH + oh)*OW + ow. out is [KH*KW*C, N*OH*OW], ready for
 * dW[KH*KW*C, Co] = out · dy[N*OH*OW, Co] as one plain (non-transposed) matmul.
 */
EXPORT(im2col_t)
void im2col_t(const float *x, float *out, int N, int H, int W, int C, int KH, int KW, int sh, int sw,
              int dh, int dw, int pt, int pl, int OH, int OW) {
  const long M = (long)N * OH * OW;
  for (int kh = 0; kh < KH; kh++)
    for (int kw = 0; kw < KW; kw++) {
      float *rows = out + (long)(kh * KW + kw) * C * M;
      int c = 0;
      for (; c + 4 <= C; c += 4) {
        float *r0 = rows + (long)c * M, *r1 = r0 + M, *r2 = r1 + M, *r3 = r2 + M;
        long m = 0;
        for (int n = 0; n < N; n++)
          for (int oh = 0; oh < OH; oh++) {
            const int ih = oh * sh + kh * dh - pt;
            const int rowOk = ih >= 0 && ih < H;
            const float *xr = x + ((long)n * H + ih) * W * C + c;
            for (int ow = 0; ow < OW; ow++, m++) {
              const int iw = ow * sw + kw * dw - pl;
              v128_t v = (rowOk && iw >= 0 && iw < W) ? wasm_v128_load(xr + (long)iw * C) : wasm_f32x4_splat(0.f);
              r0[m] = wasm_f32x4_extract_lane(v, 0);
              r1[m] = wasm_f32x4_extract_lane(v, 1);
              r2[m] = wasm_f32x4_extract_lane(v, 2);
              r3[m] = wasm_f32x4_extract_lane(v, 3);
            }
          }
      }
      for (; c < C; c++) {
        float *r = rows + (long)c * M;
        long m = 0;
        for (int n = 0; n < N; n++)
          for (int oh = 0; oh < OH; oh++) {
            const int ih = oh * sh + kh * dh - pt;
            const int rowOk = ih >= 0 && ih < H;
            const float *xr = x + ((long)n * H + ih) * W * C + c;
            for (int ow = 0; ow < OW; ow++, m++) {
              const int iw = ow * sw + kw * dw - pl;
              r[m] = (rowOk && iw >= 0 && iw < W) ? xr[(long)iw * C] : 0.f;
            }
          }
      }
    }
}

/*
 * col2im (gather form): dx[n, ih, iw, c] = Σ_{kh,kw} cols[m(oh, ow)][(kh*KW + kw)*C + c] over the
 * taps with ih = oh*sh + kh*dh - pt, iw = ow*sw + kw*dw - pl, 0 <= oh < OH, 0 <= ow < OW.
 * cols is [N*OH*OW, KH*KW*C] (= dy · Wᵀ), so this is the input gradient of a convolution.
 */
EXPORT(col2im)
void col2im(const float *cols, float *dx, int N, int H, int W, int C, int KH, int KW, int sh, int sw,
            int dh, int dw, int pt, int pl, int OH, int OW) {
  const int K = KH * KW * C;
  for (int n = 0; n < N; n++)
    for (int ih = 0; ih < H; ih++)
      for (int iw = 0; iw < W; iw++) {
        float *o = dx + (((long)n * H + ih) * W + iw) * C;
        int c = 0;
        for (; c + 4 <= C; c += 4) wasm_v128_store(o + c, wasm_f32x4_splat(0.f));
        for (; c < C; c++) o[c] = 0.f;
        for (int kh = 0; kh < KH; kh++) {
          const int th = ih + pt - kh * dh;
          if (th < 0 || th % sh) continue;
          const int oh = th / sh;
          if (oh >= OH) continue;
          for (int kw = 0; kw < KW; kw++) {
            const int tw = iw + pl - kw * dw;
            if (tw < 0 || tw % sw) continue;
            const int ow = tw / sw;
            if (ow >= OW) continue;
            const float *s = cols + (((long)n * OH + oh) * OW + ow) * K + (kh * KW + kw) * C;
            c = 0;
            for (; c + 4 <= C; c += 4) wasm_v128_store(o + c, wasm_f32x4_add(wasm_v128_load(o + c), wasm_v128_load(s + c)));
            for (; c < C; c++) o[c] += s[c];
          }
        }
      }
}

/*
 * Depthwise filter gradient (multiplier 1):
 * dW[kh, kw, c] = Σ_{n,oh,ow} x[n, oh*sh + kh*dh - pt, ow*sw + kw*dw - pl, c] · dy[n, oh, ow, c].
 * One register accumulator per (tap, 4 channels); out-of-range taps contribute 0.
 */
EXPORT(dw_filter_grad)
void dw_filter_grad(const float *x, const float *dy, float *dwt, int N, int H, int W, int C, int KH, int KW,
                    int sh, int sw, int dh, int dw, int pt, int pl, int OH, int OW) {
  for (int kh = 0; kh < KH; kh++)
    for (int kw = 0; kw < KW; kw++) {
      int c = 0;
      for (; c + 4 <= C; c += 4) {
        v128_t acc = wasm_f32x4_splat(0.f);
        for (int n = 0; n < N; n++)
          for (int oh = 0; oh < OH; oh++) {
            const int ih = oh * sh + kh * dh - pt;
            if (ih < 0 || ih >= H) continue;
            const float *xr = x + ((long)n * H + ih) * W * C + c;
            const float *dr = dy + ((long)n * OH + oh) * OW * C + c;
            for (int ow = 0; ow < OW; ow++) {
              const int iw = ow * sw + kw * dw - pl;
              if (iw < 0 || iw >= W) continue;
              acc = wasm_f32x4_add(acc, wasm_f32x4_mul(wasm_v128_load(xr + (long)iw * C), wasm_v128_load(dr + (long)ow * C)));
            }
          }
        wasm_v128_store(dwt + (kh * KW + kw) * C + c, acc);
      }
      for (; c < C; c++) {
        float acc = 0.f;
        for (int n = 0; n < N; n++)
          for (int oh = 0; oh < OH; oh++) {
            const int ih = oh * sh + kh * dh - pt;
            if (ih < 0 || ih >= H) continue;
            const float *xr = x + ((long)n * H + ih) * W * C + c;
            const float *dr = dy + ((long)n * OH + oh) * OW * C + c;
            for (int ow = 0; ow < OW; ow++) {
              const int iw = ow * sw + kw * dw - pl;
              if (iw >= 0 && iw < W) acc += xr[(long)iw * C] * dr[(long)ow * C];
            }
          }
        dwt[(kh * KW + kw) * C + c] = acc;
      }
    }
}

/*
 * Depthwise input gradient (multiplier 1), gather form:
 * dx[n, ih, iw, c] = Σ_{kh,kw} dy[n, oh, ow, c] · w[kh, kw, c] with ih = oh*sh + kh*dh - pt,
 * iw = ow*sw + kw*dw - pl (taps whose oh, ow are not integral or out of range are skipped).
 */
EXPORT(dw_input_grad)
void dw_input_grad(const float *dy, const float *w, float *dx, int N, int H, int W, int C, int KH, int KW,
                   int sh, int sw, int dh, int dw, int pt, int pl, int OH, int OW) {
  for (int n = 0; n < N; n++)
    for (int ih = 0; ih < H; ih++)
      for (int iw = 0; iw < W; iw++) {
        float *o = dx + (((long)n * H + ih) * W + iw) * C;
        int c = 0;
        for (; c + 4 <= C; c += 4) wasm_v128_store(o + c, wasm_f32x4_splat(0.f));
        for (; c < C; c++) o[c] = 0.f;
        for (int kh = 0; kh < KH; kh++) {
          const int th = ih + pt - kh * dh;
          if (th < 0 || th % sh) continue;
          const int oh = th / sh;
          if (oh >= OH) continue;
          for (int kw = 0; kw < KW; kw++) {
            const int tw = iw + pl - kw * dw;
            if (tw < 0 || tw % sw) continue;
            const int ow = tw / sw;
            if (ow >= OW) continue;
            const float *s = dy + (((long)n * OH + oh) * OW + ow) * C;
            const float *f = w + (kh * KW + kw) * C;
            c = 0;
            for (; c + 4 <= C; c += 4)
              wasm_v128_store(o + c, wasm_f32x4_add(wasm_v128_load(o + c), wasm_f32x4_mul(wasm_v128_load(s + c), wasm_v128_load(f + c))));
            for (; c < C; c++) o[c] += s[c] * f[c];
          }
        }
      }
}

/*
 * Leading/middle-axis reduction: out[b, c] = scale · Σ_m x[b, m, c] for x viewed as [B, M, C]
 * (BatchNorm moments, bias gradients, global pooling on NHWC). Register accumulators over a
 * block of 16 / 4 channels, two interleaved partial sums per block for shorter add chains.
 */
EXPORT(channel_sum)
void channel_sum(const float *x, float *out, int B, int M, int C, float scale) {
  const v128_t vs = wasm_f32x4_splat(scale);
  for (int b = 0; b < B; b++) {
    const float *xb = x + (long)b * M * C;
    float *ob = out + (long)b * C;
    int c = 0;
    for (; c + 16 <= C; c += 16) {
      v128_t a0 = wasm_f32x4_splat(0.f), a1 = a0, a2 = a0, a3 = a0;
      for (int m = 0; m < M; m++) {
        const float *p = xb + (long)m * C + c;
        a0 = wasm_f32x4_add(a0, wasm_v128_load(p));
        a1 = wasm_f32x4_add(a1, wasm_v128_load(p + 4));
        a2 = wasm_f32x4_add(a2, wasm_v128_load(p + 8));
        a3 = wasm_f32x4_add(a3, wasm_v128_load(p + 12));
      }
      wasm_v128_store(ob + c, wasm_f32x4_mul(a0, vs));
      wasm_v128_store(ob + c + 4, wasm_f32x4_mul(a1, vs));
      wasm_v128_store(ob + c + 8, wasm_f32x4_mul(a2, vs));
      wasm_v128_store(ob + c + 12, wasm_f32x4_mul(a3, vs));
    }
    for (; c + 4 <= C; c += 4) {
      v128_t a0 = wasm_f32x4_splat(0.f), a1 = a0;
      int m = 0;
      for (; m + 2 <= M; m += 2) {
        a0 = wasm_f32x4_add(a0, wasm_v128_load(xb + (long)m * C + c));
        a1 = wasm_f32x4_add(a1, wasm_v128_load(xb + (long)(m + 1) * C + c));
      }
      if (m < M) a0 = wasm_f32x4_add(a0, wasm_v128_load(xb + (long)m * C + c));
      wasm_v128_store(ob + c, wasm_f32x4_mul(wasm_f32x4_add(a0, a1), vs));
    }
    for (; c < C; c++) {
      float a0 = 0.f, a1 = 0.f;
      int m = 0;
      for (; m + 2 <= M; m += 2) {
        a0 += xb[(long)m * C + c];
        a1 += xb[(long)(m + 1) * C + c];
      }
      if (m < M) a0 += xb[(long)m * C + c];
      ob[c] = (a0 + a1) * scale;
    }
  }
}
