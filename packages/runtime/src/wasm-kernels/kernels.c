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

/*
 * Training-mode BatchNorm / PReLU kernels (kdlab issue 9, CSNet); wasm-grad/train-kernels.ts uses
 * these for C < 4 (bn_stats, bn_grad) and the standalone PReLU (prelu_grad), and the bnp_* ones
 * further down otherwise. Every per-channel sum below
 * accumulates in exactly channel_sum's order (16-channel blocks: one accumulator per lane over m;
 * 4-channel blocks: even/odd m partials; scalar tail: even/odd partials), and every elementwise
 * expression rounds like the tfjs ops it replaces, so the results are bit-identical to the
 * composed tfjs graphs (Sub/Square/Mean, Greater/Select/Multiply/Sum, …) they stand in for.
 * x, dy: [M, C] (NHWC flattened, M = N·H·W); per-channel vectors [C].
 */

/* mean[c] = scale·Σ_m x[m,c]; var[c] = scale·Σ_m (x[m,c] − mean[c])²  (tf.moments with scale = 1/M) */
EXPORT(bn_stats)
void bn_stats(const float *x, float *mean, float *var, int M, int C, float scale) {
  channel_sum(x, mean, 1, M, C, scale);
  const v128_t vs = wasm_f32x4_splat(scale);
  int c = 0;
  for (; c + 16 <= C; c += 16) {
    const v128_t m0 = wasm_v128_load(mean + c), m1 = wasm_v128_load(mean + c + 4);
    const v128_t m2 = wasm_v128_load(mean + c + 8), m3 = wasm_v128_load(mean + c + 12);
    v128_t a0 = wasm_f32x4_splat(0.f), a1 = a0, a2 = a0, a3 = a0;
    for (int m = 0; m < M; m++) {
      const float *p = x + (long)m * C + c;
      v128_t d0 = wasm_f32x4_sub(wasm_v128_load(p), m0);
      v128_t d1 = wasm_f32x4_sub(wasm_v128_load(p + 4), m1);
      v128_t d2 = wasm_f32x4_sub(wasm_v128_load(p + 8), m2);
      v128_t d3 = wasm_f32x4_sub(wasm_v128_load(p + 12), m3);
      a0 = wasm_f32x4_add(a0, wasm_f32x4_mul(d0, d0));
      a1 = wasm_f32x4_add(a1, wasm_f32x4_mul(d1, d1));
      a2 = wasm_f32x4_add(a2, wasm_f32x4_mul(d2, d2));
      a3 = wasm_f32x4_add(a3, wasm_f32x4_mul(d3, d3));
    }
    wasm_v128_store(var + c, wasm_f32x4_mul(a0, vs));
    wasm_v128_store(var + c + 4, wasm_f32x4_mul(a1, vs));
    wasm_v128_store(var + c + 8, wasm_f32x4_mul(a2, vs));
    wasm_v128_store(var + c + 12, wasm_f32x4_mul(a3, vs));
  }
  for (; c + 4 <= C; c += 4) {
    const v128_t mv = wasm_v128_load(mean + c);
    v128_t a0 = wasm_f32x4_splat(0.f), a1 = a0, d;
    int m = 0;
    for (; m + 2 <= M; m += 2) {
      d = wasm_f32x4_sub(wasm_v128_load(x + (long)m * C + c), mv);
      a0 = wasm_f32x4_add(a0, wasm_f32x4_mul(d, d));
      d = wasm_f32x4_sub(wasm_v128_load(x + (long)(m + 1) * C + c), mv);
      a1 = wasm_f32x4_add(a1, wasm_f32x4_mul(d, d));
    }
    if (m < M) {
      d = wasm_f32x4_sub(wasm_v128_load(x + (long)m * C + c), mv);
      a0 = wasm_f32x4_add(a0, wasm_f32x4_mul(d, d));
    }
    wasm_v128_store(var + c, wasm_f32x4_mul(wasm_f32x4_add(a0, a1), vs));
  }
  for (; c < C; c++) {
    const float mu = mean[c];
    float a0 = 0.f, a1 = 0.f, d;
    int m = 0;
    for (; m + 2 <= M; m += 2) {
      d = x[(long)m * C + c] - mu;
      a0 += d * d;
      d = x[(long)(m + 1) * C + c] - mu;
      a1 += d * d;
    }
    if (m < M) {
      d = x[(long)m * C + c] - mu;
      a0 += d * d;
    }
    var[c] = (a0 + a1) * scale;
  }
}

/*
 * BatchNorm (batch statistics) backward, xh = (x − mean)·rstd:
 *   sdy[c] = Σ_m dy,  sdyxh[c] = Σ_m dy·xh                          (channel_sum order)
 *   dx = ((gamma·rstd)/Mf) · ((dy·Mf − sdy) − xh·sdyxh)
 */
EXPORT(bn_grad)
void bn_grad(const float *x, const float *dy, const float *mean, const float *rstd, const float *gamma, float *dx,
             float *sdy, float *sdyxh, int M, int C, float Mf) {
  int c = 0;
  for (; c + 16 <= C; c += 16) {
    const v128_t m0 = wasm_v128_load(mean + c), m1 = wasm_v128_load(mean + c + 4);
    const v128_t m2 = wasm_v128_load(mean + c + 8), m3 = wasm_v128_load(mean + c + 12);
    const v128_t r0 = wasm_v128_load(rstd + c), r1 = wasm_v128_load(rstd + c + 4);
    const v128_t r2 = wasm_v128_load(rstd + c + 8), r3 = wasm_v128_load(rstd + c + 12);
    v128_t s0 = wasm_f32x4_splat(0.f), s1 = s0, s2 = s0, s3 = s0, t0 = s0, t1 = s0, t2 = s0, t3 = s0;
    for (int m = 0; m < M; m++) {
      const float *p = x + (long)m * C + c, *q = dy + (long)m * C + c;
      const v128_t g0 = wasm_v128_load(q), g1 = wasm_v128_load(q + 4), g2 = wasm_v128_load(q + 8), g3 = wasm_v128_load(q + 12);
      s0 = wasm_f32x4_add(s0, g0);
      s1 = wasm_f32x4_add(s1, g1);
      s2 = wasm_f32x4_add(s2, g2);
      s3 = wasm_f32x4_add(s3, g3);
      t0 = wasm_f32x4_add(t0, wasm_f32x4_mul(g0, wasm_f32x4_mul(wasm_f32x4_sub(wasm_v128_load(p), m0), r0)));
      t1 = wasm_f32x4_add(t1, wasm_f32x4_mul(g1, wasm_f32x4_mul(wasm_f32x4_sub(wasm_v128_load(p + 4), m1), r1)));
      t2 = wasm_f32x4_add(t2, wasm_f32x4_mul(g2, wasm_f32x4_mul(wasm_f32x4_sub(wasm_v128_load(p + 8), m2), r2)));
      t3 = wasm_f32x4_add(t3, wasm_f32x4_mul(g3, wasm_f32x4_mul(wasm_f32x4_sub(wasm_v128_load(p + 12), m3), r3)));
    }
    const v128_t one = wasm_f32x4_splat(1.f);
    wasm_v128_store(sdy + c, wasm_f32x4_mul(s0, one));
    wasm_v128_store(sdy + c + 4, wasm_f32x4_mul(s1, one));
    wasm_v128_store(sdy + c + 8, wasm_f32x4_mul(s2, one));
    wasm_v128_store(sdy + c + 12, wasm_f32x4_mul(s3, one));
    wasm_v128_store(sdyxh + c, wasm_f32x4_mul(t0, one));
    wasm_v128_store(sdyxh + c + 4, wasm_f32x4_mul(t1, one));
    wasm_v128_store(sdyxh + c + 8, wasm_f32x4_mul(t2, one));
    wasm_v128_store(sdyxh + c + 12, wasm_f32x4_mul(t3, one));
  }
  for (; c + 4 <= C; c += 4) {
    const v128_t mv = wasm_v128_load(mean + c), rv = wasm_v128_load(rstd + c);
    v128_t s0 = wasm_f32x4_splat(0.f), s1 = s0, t0 = s0, t1 = s0, g;
    int m = 0;
    for (; m + 2 <= M; m += 2) {
      g = wasm_v128_load(dy + (long)m * C + c);
      s0 = wasm_f32x4_add(s0, g);
      t0 = wasm_f32x4_add(t0, wasm_f32x4_mul(g, wasm_f32x4_mul(wasm_f32x4_sub(wasm_v128_load(x + (long)m * C + c), mv), rv)));
      g = wasm_v128_load(dy + (long)(m + 1) * C + c);
      s1 = wasm_f32x4_add(s1, g);
      t1 = wasm_f32x4_add(t1, wasm_f32x4_mul(g, wasm_f32x4_mul(wasm_f32x4_sub(wasm_v128_load(x + (long)(m + 1) * C + c), mv), rv)));
    }
    if (m < M) {
      g = wasm_v128_load(dy + (long)m * C + c);
      s0 = wasm_f32x4_add(s0, g);
      t0 = wasm_f32x4_add(t0, wasm_f32x4_mul(g, wasm_f32x4_mul(wasm_f32x4_sub(wasm_v128_load(x + (long)m * C + c), mv), rv)));
    }
    const v128_t one = wasm_f32x4_splat(1.f);
    wasm_v128_store(sdy + c, wasm_f32x4_mul(wasm_f32x4_add(s0, s1), one));
    wasm_v128_store(sdyxh + c, wasm_f32x4_mul(wasm_f32x4_add(t0, t1), one));
  }
  for (; c < C; c++) {
    const float mu = mean[c], rs = rstd[c];
    float s0 = 0.f, s1 = 0.f, t0 = 0.f, t1 = 0.f, g;
    int m = 0;
    for (; m + 2 <= M; m += 2) {
      g = dy[(long)m * C + c];
      s0 += g;
      t0 += g * ((x[(long)m * C + c] - mu) * rs);
      g = dy[(long)(m + 1) * C + c];
      s1 += g;
      t1 += g * ((x[(long)(m + 1) * C + c] - mu) * rs);
    }
    if (m < M) {
      g = dy[(long)m * C + c];
      s0 += g;
      t0 += g * ((x[(long)m * C + c] - mu) * rs);
    }
    sdy[c] = (s0 + s1) * 1.f;
    sdyxh[c] = (t0 + t1) * 1.f;
  }
  const v128_t vM = wasm_f32x4_splat(Mf);
  for (int m = 0; m < M; m++) {
    const float *xr = x + (long)m * C, *gr = dy + (long)m * C;
    float *o = dx + (long)m * C;
    c = 0;
    for (; c + 4 <= C; c += 4) {
      const v128_t rv = wasm_v128_load(rstd + c);
      const v128_t sc = wasm_f32x4_div(wasm_f32x4_mul(wasm_v128_load(gamma + c), rv), vM);
      const v128_t xh = wasm_f32x4_mul(wasm_f32x4_sub(wasm_v128_load(xr + c), wasm_v128_load(mean + c)), rv);
      const v128_t in = wasm_f32x4_sub(wasm_f32x4_sub(wasm_f32x4_mul(wasm_v128_load(gr + c), vM), wasm_v128_load(sdy + c)), wasm_f32x4_mul(xh, wasm_v128_load(sdyxh + c)));
      wasm_v128_store(o + c, wasm_f32x4_mul(sc, in));
    }
    for (; c < C; c++) {
      const float sc = (gamma[c] * rstd[c]) / Mf;
      const float xh = (xr[c] - mean[c]) * rstd[c];
      o[c] = sc * ((gr[c] * Mf - sdy[c]) - xh * sdyxh[c]);
    }
  }
}

/*
 * PReLU backward (tfjs prelu gradient): dx = x > 0 ? dy : dy·alpha;
 * dalpha[c] = Σ_m (x > 0 ? 0 : dy·x)  (channel_sum order).
 */
EXPORT(prelu_grad)
void prelu_grad(const float *x, const float *alpha, const float *dy, float *dx, float *dalpha, int M, int C) {
  const v128_t z = wasm_f32x4_splat(0.f), one = wasm_f32x4_splat(1.f);
  int c = 0;
#define PRELU_STEP(OFF, ACC, AV)                                                              \
  do {                                                                                        \
    const v128_t xv = wasm_v128_load(x + (long)(OFF)), gv = wasm_v128_load(dy + (long)(OFF)); \
    const v128_t pos = wasm_f32x4_gt(xv, z);                                                  \
    wasm_v128_store(dx + (long)(OFF), wasm_v128_bitselect(gv, wasm_f32x4_mul(gv, AV), pos));  \
    ACC = wasm_f32x4_add(ACC, wasm_v128_bitselect(z, wasm_f32x4_mul(gv, xv), pos));           \
  } while (0)
  for (; c + 16 <= C; c += 16) {
    const v128_t al0 = wasm_v128_load(alpha + c), al1 = wasm_v128_load(alpha + c + 4);
    const v128_t al2 = wasm_v128_load(alpha + c + 8), al3 = wasm_v128_load(alpha + c + 12);
    v128_t a0 = z, a1 = z, a2 = z, a3 = z;
    for (int m = 0; m < M; m++) {
      const long o = (long)m * C + c;
      PRELU_STEP(o, a0, al0);
      PRELU_STEP(o + 4, a1, al1);
      PRELU_STEP(o + 8, a2, al2);
      PRELU_STEP(o + 12, a3, al3);
    }
    wasm_v128_store(dalpha + c, wasm_f32x4_mul(a0, one));
    wasm_v128_store(dalpha + c + 4, wasm_f32x4_mul(a1, one));
    wasm_v128_store(dalpha + c + 8, wasm_f32x4_mul(a2, one));
    wasm_v128_store(dalpha + c + 12, wasm_f32x4_mul(a3, one));
  }
  for (; c + 4 <= C; c += 4) {
    const v128_t al = wasm_v128_load(alpha + c);
    v128_t a0 = z, a1 = z;
    int m = 0;
    for (; m + 2 <= M; m += 2) {
      PRELU_STEP((long)m * C + c, a0, al);
      PRELU_STEP((long)(m + 1) * C + c, a1, al);
    }
    if (m < M) PRELU_STEP((long)m * C + c, a0, al);
    wasm_v128_store(dalpha + c, wasm_f32x4_mul(wasm_f32x4_add(a0, a1), one));
  }
#undef PRELU_STEP
  for (; c < C; c++) {
    const float al = alpha[c];
    float a0 = 0.f, a1 = 0.f;
    int m = 0;
    for (; m < M; m++) {
      const long o = (long)m * C + c;
      const float xv = x[o], gv = dy[o];
      const int pos = xv > 0.f;
      dx[o] = pos ? gv : gv * al;
      const float t = pos ? 0.f : gv * xv;
      if (m & 1) a1 += t;
      else a0 += t;
    }
    dalpha[c] = (a0 + a1) * 1.f;
  }
}

/* dst[r·dstStride + i] = src[r·srcStride + i] for r < rows, i < n (Concat / SplitV on an inner axis). */
EXPORT(strided_copy)
void strided_copy(const float *src, float *dst, int rows, int n, int srcStride, int dstStride) {
  for (int r = 0; r < rows; r++) {
    const float *s = src + (long)r * srcStride;
    float *d = dst + (long)r * dstStride;
    int i = 0;
    for (; i + 4 <= n; i += 4) wasm_v128_store(d + i, wasm_v128_load(s + i));
    for (; i < n; i++) d[i] = s[i];
  }
}

/*
 * Stride-1 depthwise input gradient (multiplier 1, C >= 1), row form of dw_input_grad: for each
 * dx row (n, ih), the taps (kh, kw) in order add dy[n, ih + pt − kh·dh, iw + pl − kw·dw, c]·w[kh,kw,c]
 * over the flattened (iw, c) run where the dy column is in range: long contiguous SIMD runs.
 * Every dx element receives the same products in the same order as dw_input_grad, so the result
 * is bit-identical. wrep: scratch [KH·KW, W·C], filled with each tap's weights repeated along a row.
 */
/* dx[iw0..iw1) of one dx row: zero, then add the taps (kh outer, kw inner) over those columns */
static void dw_in_row_rmw(const float *dyn, float *o, const float *wrep, int ih, int iw0_, int iw1_, int W, int C, int KH, int KW,
                          int dh, int dw, int pt, int pl, int OH, int OW) {
  const long WC = (long)W * C;
  for (long j = (long)iw0_ * C; j < (long)iw1_ * C; j++) o[j] = 0.f;
  for (int kh = 0; kh < KH; kh++) {
    const int oh = ih + pt - kh * dh;
    if (oh < 0 || oh >= OH) continue;
    const float *dr = dyn + (long)oh * OW * C;
    for (int kw = 0; kw < KW; kw++) {
      const int s = pl - kw * dw; /* ow = iw + s */
      int iw0 = s < 0 ? -s : 0, iw1 = OW - s < W ? OW - s : W;
      if (iw0 < iw0_) iw0 = iw0_;
      if (iw1 > iw1_) iw1 = iw1_;
      if (iw0 >= iw1) continue;
      const float *src = dr + (long)(iw0 + s) * C;
      const float *wr = wrep + (long)(kh * KW + kw) * WC + (long)iw0 * C;
      float *dst = o + (long)iw0 * C;
      const long len = (long)(iw1 - iw0) * C;
      long k = 0;
      for (; k + 4 <= len; k += 4)
        wasm_v128_store(dst + k, wasm_f32x4_add(wasm_v128_load(dst + k), wasm_f32x4_mul(wasm_v128_load(src + k), wasm_v128_load(wr + k))));
      for (; k < len; k++) dst[k] += src[k] * wr[k];
    }
  }
}

EXPORT(dw_input_grad_s1)
void dw_input_grad_s1(const float *dy, const float *w, float *dx, float *wrep, int N, int H, int W, int C, int KH, int KW,
                      int dh, int dw, int pt, int pl, int OH, int OW) {
  const long WC = (long)W * C;
  for (int t = 0; t < KH * KW; t++) {
    float *r = wrep + (long)t * WC;
    for (int iw = 0; iw < W; iw++)
      for (int c = 0; c < C; c++) r[(long)iw * C + c] = w[t * C + c];
  }
  /* columns where every kw tap reads inside dy: iw + pl − kw·dw in [0, OW) for all kw */
  int iwA = (KW - 1) * dw - pl, iwB = OW - pl;
  if (iwA < 0) iwA = 0;
  if (iwB > W) iwB = W;
  for (int n = 0; n < N; n++) {
    const float *dyn = dy + (long)n * OH * OW * C;
    for (int ih = 0; ih < H; ih++) {
      float *o = dx + ((long)n * H + ih) * WC;
      const int o0 = ih + pt, o1 = ih + pt - dh, o2 = ih + pt - 2 * dh;
      if (KH != 3 || KW != 3 || iwA >= iwB || o2 < 0 || o0 >= OH) {
        dw_in_row_rmw(dyn, o, wrep, ih, 0, W, W, C, KH, KW, dh, dw, pt, pl, OH, OW);
        continue;
      }
      /* 3×3 interior: kh outer, kw inner, summed in registers from 0 */
      const long s0 = (long)pl * C, s1 = (long)(pl - dw) * C, s2 = (long)(pl - 2 * dw) * C;
      const float *r0 = dyn + (long)o0 * OW * C, *r1 = dyn + (long)o1 * OW * C, *r2 = dyn + (long)o2 * OW * C;
      const float *w00 = wrep, *w01 = wrep + WC, *w02 = wrep + 2 * WC;
      const float *w10 = wrep + 3 * WC, *w11 = wrep + 4 * WC, *w12 = wrep + 5 * WC;
      const float *w20 = wrep + 6 * WC, *w21 = wrep + 7 * WC, *w22 = wrep + 8 * WC;
      const long jA = (long)iwA * C, jB = (long)iwB * C;
      long j = jA;
      for (; j + 4 <= jB; j += 4) {
        v128_t a = wasm_f32x4_splat(0.f);
        a = wasm_f32x4_add(a, wasm_f32x4_mul(wasm_v128_load(r0 + j + s0), wasm_v128_load(w00 + j)));
        a = wasm_f32x4_add(a, wasm_f32x4_mul(wasm_v128_load(r0 + j + s1), wasm_v128_load(w01 + j)));
        a = wasm_f32x4_add(a, wasm_f32x4_mul(wasm_v128_load(r0 + j + s2), wasm_v128_load(w02 + j)));
        a = wasm_f32x4_add(a, wasm_f32x4_mul(wasm_v128_load(r1 + j + s0), wasm_v128_load(w10 + j)));
        a = wasm_f32x4_add(a, wasm_f32x4_mul(wasm_v128_load(r1 + j + s1), wasm_v128_load(w11 + j)));
        a = wasm_f32x4_add(a, wasm_f32x4_mul(wasm_v128_load(r1 + j + s2), wasm_v128_load(w12 + j)));
        a = wasm_f32x4_add(a, wasm_f32x4_mul(wasm_v128_load(r2 + j + s0), wasm_v128_load(w20 + j)));
        a = wasm_f32x4_add(a, wasm_f32x4_mul(wasm_v128_load(r2 + j + s1), wasm_v128_load(w21 + j)));
        a = wasm_f32x4_add(a, wasm_f32x4_mul(wasm_v128_load(r2 + j + s2), wasm_v128_load(w22 + j)));
        wasm_v128_store(o + j, a);
      }
      for (; j < jB; j++) {
        float a = 0.f;
        a += r0[j + s0] * w00[j]; a += r0[j + s1] * w01[j]; a += r0[j + s2] * w02[j];
        a += r1[j + s0] * w10[j]; a += r1[j + s1] * w11[j]; a += r1[j + s2] * w12[j];
        a += r2[j + s0] * w20[j]; a += r2[j + s1] * w21[j]; a += r2[j + s2] * w22[j];
        o[j] = a;
      }
      dw_in_row_rmw(dyn, o, wrep, ih, 0, iwA, W, C, KH, KW, dh, dw, pt, pl, OH, OW);
      dw_in_row_rmw(dyn, o, wrep, ih, iwB, W, W, C, KH, KW, dh, dw, pt, pl, OH, OW);
    }
  }
}

/*
 * Stride-1 depthwise filter gradient (multiplier 1, C >= 4), same sums as dw_filter_grad
 * (per tap and channel: Σ over n, oh, ow in order, out-of-range taps skipped) computed row by
 * row, so x/dy rows are read once from cache for all taps and up to four 4-channel blocks run
 * as independent accumulator chains. Blocks: c = 0, 4, …, and when C % 4 != 0 one overlapping
 * block at C − 4 accumulated in `scratch` (its new lanes are copied out at the end).
 * scratch: KH·KW·4 + 4 floats. Bit-identical to dw_filter_grad.
 */
EXPORT(dw_filter_grad_s1)
void dw_filter_grad_s1(const float *x, const float *dy, float *dwt, float *scratch, int N, int H, int W, int C, int KH, int KW,
                       int dh, int dw, int pt, int pl, int OH, int OW) {
  const int T = KH * KW;
  const int full = C / 4, tail = (C % 4) != 0, nb = full + tail;
  float *sink = scratch + T * 4;
  for (int i = 0; i < T * C; i++) dwt[i] = 0.f;
  for (int i = 0; i < T * 4 + 4; i++) scratch[i] = 0.f;
  for (int n = 0; n < N; n++)
    for (int oh = 0; oh < OH; oh++) {
      const float *dr = dy + ((long)n * OH + oh) * OW * C;
      for (int kh = 0; kh < KH; kh++) {
        const int ih = oh + kh * dh - pt;
        if (ih < 0 || ih >= H) continue;
        const float *xr = x + ((long)n * H + ih) * W * C;
        for (int kw = 0; kw < KW; kw++) {
          const int s = kw * dw - pl; /* iw = ow + s */
          const int ow0 = s < 0 ? -s : 0;
          const int ow1 = W - s < OW ? W - s : OW;
          if (ow0 >= ow1) continue;
          const int t = kh * KW + kw;
          for (int b = 0; b < nb; b += 4) {
            /* up to four blocks b..b+3; missing ones read block b and write to the sink */
#define BLK_C(i) ((b + (i)) < full ? 4 * (b + (i)) : ((b + (i)) < nb ? C - 4 : 4 * b))
#define BLK_P(i) ((b + (i)) < full ? dwt + t * C + 4 * (b + (i)) : ((b + (i)) < nb ? scratch + t * 4 : sink))
            const int c0 = BLK_C(0), c1 = BLK_C(1), c2 = BLK_C(2), c3 = BLK_C(3);
            float *p0 = BLK_P(0), *p1 = BLK_P(1), *p2 = BLK_P(2), *p3 = BLK_P(3);
#undef BLK_C
#undef BLK_P
            v128_t a0 = wasm_v128_load(p0), a1 = wasm_v128_load(p1), a2 = wasm_v128_load(p2), a3 = wasm_v128_load(p3);
            const float *xs = xr + (long)(ow0 + s) * C, *ds = dr + (long)ow0 * C;
            for (int ow = ow0; ow < ow1; ow++, xs += C, ds += C) {
              a0 = wasm_f32x4_add(a0, wasm_f32x4_mul(wasm_v128_load(xs + c0), wasm_v128_load(ds + c0)));
              a1 = wasm_f32x4_add(a1, wasm_f32x4_mul(wasm_v128_load(xs + c1), wasm_v128_load(ds + c1)));
              a2 = wasm_f32x4_add(a2, wasm_f32x4_mul(wasm_v128_load(xs + c2), wasm_v128_load(ds + c2)));
              a3 = wasm_f32x4_add(a3, wasm_f32x4_mul(wasm_v128_load(xs + c3), wasm_v128_load(ds + c3)));
            }
            wasm_v128_store(p3, a3);
            wasm_v128_store(p2, a2);
            wasm_v128_store(p1, a1);
            wasm_v128_store(p0, a0);
          }
        }
      }
    }
  if (tail)
    for (int t = 0; t < T; t++)
      for (int c = 4 * full; c < C; c++) dwt[t * C + c] = scratch[t * 4 + (c - (C - 4))];
}

/*
 * Filter gradient of a 1×1, stride-1, unpadded convolution: dW[k, co] = Σ_m x[m, k]·dy[m, co]
 * (x [M, K], dy [M, Co], dW [K, Co]), each sum in ascending m from 0 — the order of the XNNPACK
 * matmul it replaces (im2col_t then BatchMatMul), so the result is bit-identical, without the
 * transpose or the per-call weight packing. Tiles of 4 k × 8 co (Co ≥ 4; out-of-range rows or
 * columns are clamped onto real ones and recomputed identically) over m-chunks kept in cache;
 * partial sums live in dW between chunks. Co < 4 vectorises over k instead (K ≥ 4) or is scalar.
 */
#define GRAD1X1_CHUNK 256
EXPORT(conv1x1_filter_grad)
void conv1x1_filter_grad(const float *x, const float *dy, float *out, int M, int K, int Co) {
  for (int i = 0; i < K * Co; i++) out[i] = 0.f;
  for (int m0 = 0; m0 < M; m0 += GRAD1X1_CHUNK) {
    const int m1 = m0 + GRAD1X1_CHUNK < M ? m0 + GRAD1X1_CHUNK : M;
    if (Co >= 4) {
      for (int k = 0; k < K; k += 4) {
        const int k0 = k, k1 = k + 1 < K ? k + 1 : K - 1, k2 = k + 2 < K ? k + 2 : K - 1, k3 = k + 3 < K ? k + 3 : K - 1;
        for (int c = 0; c < Co; c += 8) {
          const int ca = c + 4 <= Co ? c : Co - 4;
          const int cb = c + 8 <= Co ? c + 4 : Co - 4;
          float *o0 = out + k0 * Co, *o1 = out + k1 * Co, *o2 = out + k2 * Co, *o3 = out + k3 * Co;
          v128_t a0 = wasm_v128_load(o0 + ca), b0 = wasm_v128_load(o0 + cb);
          v128_t a1 = wasm_v128_load(o1 + ca), b1 = wasm_v128_load(o1 + cb);
          v128_t a2 = wasm_v128_load(o2 + ca), b2 = wasm_v128_load(o2 + cb);
          v128_t a3 = wasm_v128_load(o3 + ca), b3 = wasm_v128_load(o3 + cb);
          const float *xr = x + (long)m0 * K, *dr = dy + (long)m0 * Co;
          for (int m = m0; m < m1; m++, xr += K, dr += Co) {
            const v128_t da = wasm_v128_load(dr + ca), db = wasm_v128_load(dr + cb);
            const v128_t x0 = wasm_f32x4_splat(xr[k0]), x1 = wasm_f32x4_splat(xr[k1]);
            const v128_t x2 = wasm_f32x4_splat(xr[k2]), x3 = wasm_f32x4_splat(xr[k3]);
            a0 = wasm_f32x4_add(a0, wasm_f32x4_mul(x0, da));
            b0 = wasm_f32x4_add(b0, wasm_f32x4_mul(x0, db));
            a1 = wasm_f32x4_add(a1, wasm_f32x4_mul(x1, da));
            b1 = wasm_f32x4_add(b1, wasm_f32x4_mul(x1, db));
            a2 = wasm_f32x4_add(a2, wasm_f32x4_mul(x2, da));
            b2 = wasm_f32x4_add(b2, wasm_f32x4_mul(x2, db));
            a3 = wasm_f32x4_add(a3, wasm_f32x4_mul(x3, da));
            b3 = wasm_f32x4_add(b3, wasm_f32x4_mul(x3, db));
          }
          /* clamped duplicate rows hold identical values; of a shifted tail block (ca or cb < its
             nominal start) only the columns this tile owns (>= c) are stored back */
          if (ca == c && cb == c + 4) {
            wasm_v128_store(o3 + cb, b3); wasm_v128_store(o3 + ca, a3);
            wasm_v128_store(o2 + cb, b2); wasm_v128_store(o2 + ca, a2);
            wasm_v128_store(o1 + cb, b1); wasm_v128_store(o1 + ca, a1);
            wasm_v128_store(o0 + cb, b0); wasm_v128_store(o0 + ca, a0);
          } else {
            if (ca == c) {
              wasm_v128_store(o3 + ca, a3); wasm_v128_store(o2 + ca, a2);
              wasm_v128_store(o1 + ca, a1); wasm_v128_store(o0 + ca, a0);
            }
            /* cb (or ca when both are shifted) is Co − 4: lanes l with Co − 4 + l >= c + (ca == c ? 4 : 0) */
            const v128_t t0 = ca == c ? b0 : a0, t1 = ca == c ? b1 : a1, t2 = ca == c ? b2 : a2, t3 = ca == c ? b3 : a3;
            const int own = ca == c ? c + 4 : c;
            const int base = Co - 4;
#define STORE_LANES(O, V)                                                  \
  do {                                                                     \
    if (base + 0 >= own) (O)[base + 0] = wasm_f32x4_extract_lane(V, 0);   \
    if (base + 1 >= own) (O)[base + 1] = wasm_f32x4_extract_lane(V, 1);   \
    if (base + 2 >= own) (O)[base + 2] = wasm_f32x4_extract_lane(V, 2);   \
    (O)[base + 3] = wasm_f32x4_extract_lane(V, 3);                         \
  } while (0)
            STORE_LANES(o3, t3); STORE_LANES(o2, t2); STORE_LANES(o1, t1); STORE_LANES(o0, t0);
#undef STORE_LANES
          }
        }
      }
    } else if (K >= 4) {
      /* out is [K, Co]: gather a 4-k column through scalar stores */
      for (int co = 0; co < Co; co++)
        for (int k = 0; k < K; k += 8) {
          const int ka = k + 4 <= K ? k : K - 4;
          const int kb = k + 8 <= K ? k + 4 : K - 4;
          v128_t a = wasm_f32x4_make(out[(ka) * Co + co], out[(ka + 1) * Co + co], out[(ka + 2) * Co + co], out[(ka + 3) * Co + co]);
          v128_t b = wasm_f32x4_make(out[(kb) * Co + co], out[(kb + 1) * Co + co], out[(kb + 2) * Co + co], out[(kb + 3) * Co + co]);
          const float *xr = x + (long)m0 * K, *dr = dy + (long)m0 * Co + co;
          for (int m = m0; m < m1; m++, xr += K, dr += Co) {
            const v128_t d = wasm_f32x4_splat(*dr);
            a = wasm_f32x4_add(a, wasm_f32x4_mul(wasm_v128_load(xr + ka), d));
            b = wasm_f32x4_add(b, wasm_f32x4_mul(wasm_v128_load(xr + kb), d));
          }
          /* store only the rows this tile owns (>= k): a shifted tail block overlaps the previous tile */
          if (ka >= k) {
            out[(ka) * Co + co] = wasm_f32x4_extract_lane(a, 0);
            out[(ka + 1) * Co + co] = wasm_f32x4_extract_lane(a, 1);
            out[(ka + 2) * Co + co] = wasm_f32x4_extract_lane(a, 2);
            out[(ka + 3) * Co + co] = wasm_f32x4_extract_lane(a, 3);
          }
          {
            const int own = ka == k ? k + 4 : k;
            const v128_t t = ka == k ? b : a;
            const int base = ka == k ? kb : ka;
            if (base + 0 >= own) out[(base) * Co + co] = wasm_f32x4_extract_lane(t, 0);
            if (base + 1 >= own) out[(base + 1) * Co + co] = wasm_f32x4_extract_lane(t, 1);
            if (base + 2 >= own) out[(base + 2) * Co + co] = wasm_f32x4_extract_lane(t, 2);
            if (base + 3 >= own) out[(base + 3) * Co + co] = wasm_f32x4_extract_lane(t, 3);
          }
        }
    } else {
      for (int k = 0; k < K; k++)
        for (int co = 0; co < Co; co++) {
          float a = out[k * Co + co];
          for (int m = m0; m < m1; m++) a += x[(long)m * K + k] * dy[(long)m * Co + co];
          out[k * Co + co] = a;
        }
    }
  }
}

/*
 * Gradients of k×k, stride-k, unpadded pooling (non-overlapping windows, PyTorch floor mode),
 * x/dx [N,H,W,C], dy [N,OH,OW,C], OH = ⌊H/k⌋. Cells outside every window get 0.
 * max: the first strictly greatest cell of each window (row-major scan from −∞, as the cpu
 *      backend) receives 0 + dy, the others 0; a window of NaNs passes nothing.
 * avg: every cell receives 0 + dy·mult (mult = 1/k², as tfjs AvgPoolGrad).
 */
EXPORT(pool_grad_k)
void pool_grad_k(const float *x, const float *dy, float *dx, int N, int H, int W, int C, int K, int OH, int OW, int isMax, float mult) {
  const long WC = (long)W * C;
  const v128_t z = wasm_f32x4_splat(0.f), vm = wasm_f32x4_splat(mult), ninf = wasm_f32x4_splat(-__builtin_inff());
  for (int n = 0; n < N; n++)
    for (int ih = 0; ih < H; ih++) {
      float *o = dx + ((long)n * H + ih) * WC;
      if (ih >= OH * K) {
        for (long j = 0; j < WC; j++) o[j] = 0.f;
        continue;
      }
      for (long j = (long)OW * K * C; j < WC; j++) o[j] = 0.f;
    }
  for (int n = 0; n < N; n++)
    for (int oh = 0; oh < OH; oh++)
      for (int ow = 0; ow < OW; ow++) {
        const float *g = dy + (((long)n * OH + oh) * OW + ow) * C;
        const long base = (((long)n * H + (long)oh * K) * W + (long)ow * K) * C;
        int c = 0;
        for (; c + 4 <= C; c += 4) {
          const v128_t gv = wasm_f32x4_add(z, wasm_v128_load(g + c));
          if (!isMax) {
            const v128_t v = wasm_f32x4_add(z, wasm_f32x4_mul(wasm_v128_load(g + c), vm));
            for (int kh = 0; kh < K; kh++)
              for (int kw = 0; kw < K; kw++) wasm_v128_store(dx + base + ((long)kh * W + kw) * C + c, v);
            continue;
          }
          v128_t best = ninf, at = wasm_i32x4_splat(-1);
          for (int kh = 0; kh < K; kh++)
            for (int kw = 0; kw < K; kw++) {
              const v128_t v = wasm_v128_load(x + base + ((long)kh * W + kw) * C + c);
              const v128_t gt = wasm_f32x4_gt(v, best);
              best = wasm_v128_bitselect(v, best, gt);
              at = wasm_v128_bitselect(wasm_i32x4_splat(kh * K + kw), at, gt);
            }
          for (int kh = 0; kh < K; kh++)
            for (int kw = 0; kw < K; kw++) {
              const v128_t hit = wasm_i32x4_eq(at, wasm_i32x4_splat(kh * K + kw));
              wasm_v128_store(dx + base + ((long)kh * W + kw) * C + c, wasm_v128_bitselect(gv, z, hit));
            }
        }
        for (; c < C; c++) {
          if (!isMax) {
            const float v = 0.f + g[c] * mult;
            for (int kh = 0; kh < K; kh++)
              for (int kw = 0; kw < K; kw++) dx[base + ((long)kh * W + kw) * C + c] = v;
            continue;
          }
          float best = -__builtin_inff();
          int at = -1;
          for (int kh = 0; kh < K; kh++)
            for (int kw = 0; kw < K; kw++) {
              const float v = x[base + ((long)kh * W + kw) * C + c];
              if (v > best) {
                best = v;
                at = kh * K + kw;
              }
            }
          for (int kh = 0; kh < K; kh++)
            for (int kw = 0; kw < K; kw++) dx[base + ((long)kh * W + kw) * C + c] = (kh * K + kw == at) ? 0.f + g[c] : 0.f;
        }
      }
}

/*
 * Single-pass (row-major) versions of the BatchNorm / PReLU training kernels above, with PReLU
 * optionally fused into BatchNorm. Same values bit for bit: every per-channel sum keeps
 * channel_sum's order — channels below C16 = 16·⌊C/16⌋ one running sum over m; the others an
 * even-m and an odd-m partial, added at the end — but rows are taken in L1-sized chunks with the
 * partials carried between chunks in a scratch array, so x and dy are streamed from memory once
 * instead of once per 4-channel block. The last C % 4 channels are covered by a vector at C − 4
 * whose partials go to a separate 4-lane slot.
 * Elementwise passes run over the flattened tensor with per-channel parameters laid out in
 * patterns of period P = lcm(C, 4) (scratch), so rows of any width vectorise fully.
 *
 * Reduction scratch per sum: e[C] (running / even), o[C] (odd), te[4], to[4]  → 2C + 8 floats.
 */
#define RED_SIZE(C) (2 * (C) + 8)

/* out[c] = sum·scale in channel_sum's combination (C >= 4) */
static inline void red_finish(const float *r, float *out, int C, int C16, float scale) {
  const int Cv = C & ~3;
  int c = 0;
  for (; c < C16; c++) out[c] = r[c] * scale;
  for (; c < Cv; c++) out[c] = (r[c] + r[C + c]) * scale;
  for (; c < C; c++) {
    const int l = c - (C - 4);
    out[c] = (r[2 * C + l] + r[2 * C + 4 + l]) * scale;
  }
}

static inline void zero(float *p, long n) {
  for (long i = 0; i < n; i++) p[i] = 0.f;
}

/* per-channel vector v[C] → pattern of period P (= lcm(C, 4)) */
static inline void pattern(const float *v, float *pat, int C, int P) {
  for (int j = 0; j < P; j++) pat[j] = v[j % C];
}

static inline int lcm4(int C) { return (C % 4 == 0) ? C : (C % 2 == 0 ? 2 * C : 4 * C); }

/*
 * Chunked reduction driver: the rows are processed in chunks of RCH (even) rows; inside a chunk
 * each channel block keeps its partial sums in registers and reads the chunk from L1, and the
 * partials are carried between chunks in the reduction scratch. Order per channel = channel_sum's.
 * VALS(m, c) must define v128_t values V0..V(NR−1) for row m, channels c..c+3.
 */
#define RCH 64
#define RED_LOOP(NR, M, C, RED, VALS)                                                               \
  do {                                                                                              \
    const int C16_ = (C) & ~15, Cv_ = (C) & ~3, tail_ = (C) & 3;                                    \
    for (int m0 = 0; m0 < (M); m0 += RCH) {                                                         \
      const int m1 = m0 + RCH < (M) ? m0 + RCH : (M);                                               \
      for (int bc = 0; bc < Cv_ + (tail_ ? 4 : 0); bc += 4) {                                       \
        const int c = bc < Cv_ ? bc : (C) - 4, tl = bc >= Cv_;                                      \
        /* even/running (pe) and odd (po) partial slots of sums 0..2 (sum r at RED + r·RED_SIZE) */  \
        const long ep_ = tl ? 2 * (C) : c, op_ = tl ? 2 * (C) + 4 : (c < C16_ ? c : (C) + c);        \
        float *pe0 = (RED) + ep_, *po0 = (RED) + op_;                                               \
        float *pe1 = NR > 1 ? pe0 + RED_SIZE(C) : pe0, *po1 = NR > 1 ? po0 + RED_SIZE(C) : po0;     \
        float *pe2 = NR > 2 ? pe0 + 2 * RED_SIZE(C) : pe0, *po2 = NR > 2 ? po0 + 2 * RED_SIZE(C) : po0; \
        if (!tl && c < C16_) {                                                                      \
          v128_t A0 = wasm_v128_load(pe0), A1 = wasm_v128_load(pe1), A2 = wasm_v128_load(pe2);     \
          for (int m = m0; m < m1; m++) {                                                           \
            VALS(m, c);                                                                             \
            A0 = wasm_f32x4_add(A0, V0);                                                            \
            if (NR > 1) A1 = wasm_f32x4_add(A1, V1);                                                \
            if (NR > 2) A2 = wasm_f32x4_add(A2, V2);                                                \
          }                                                                                         \
          wasm_v128_store(pe0, A0);                                                                 \
          if (NR > 1) wasm_v128_store(pe1, A1);                                                     \
          if (NR > 2) wasm_v128_store(pe2, A2);                                                     \
        } else {                                                                                    \
          v128_t E0 = wasm_v128_load(pe0), O0 = wasm_v128_load(po0);                                \
          v128_t E1 = wasm_v128_load(pe1), O1 = wasm_v128_load(po1);                                \
          v128_t E2 = wasm_v128_load(pe2), O2 = wasm_v128_load(po2);                                \
          int m = m0;                                                                               \
          for (; m + 2 <= m1; m += 2) {                                                             \
            {                                                                                       \
              VALS(m, c);                                                                           \
              E0 = wasm_f32x4_add(E0, V0);                                                          \
              if (NR > 1) E1 = wasm_f32x4_add(E1, V1);                                              \
              if (NR > 2) E2 = wasm_f32x4_add(E2, V2);                                              \
            }                                                                                       \
            {                                                                                       \
              VALS(m + 1, c);                                                                       \
              O0 = wasm_f32x4_add(O0, V0);                                                          \
              if (NR > 1) O1 = wasm_f32x4_add(O1, V1);                                              \
              if (NR > 2) O2 = wasm_f32x4_add(O2, V2);                                              \
            }                                                                                       \
          }                                                                                         \
          if (m < m1) {                                                                             \
            VALS(m, c);                                                                             \
            E0 = wasm_f32x4_add(E0, V0);                                                            \
            if (NR > 1) E1 = wasm_f32x4_add(E1, V1);                                                \
            if (NR > 2) E2 = wasm_f32x4_add(E2, V2);                                                \
          }                                                                                         \
          wasm_v128_store(pe0, E0);                                                                 \
          wasm_v128_store(po0, O0);                                                                 \
          if (NR > 1) { wasm_v128_store(pe1, E1); wasm_v128_store(po1, O1); }                       \
          if (NR > 2) { wasm_v128_store(pe2, E2); wasm_v128_store(po2, O2); }                       \
        }                                                                                           \
      }                                                                                             \
    }                                                                                               \
  } while (0)

/* mean = scale·Σ x; var = scale·Σ (x − mean)²  (as bn_stats), C >= 4. scratch: RED_SIZE(C) floats. */
EXPORT(bnp_stats)
void bnp_stats(const float *x, float *mean, float *var, float *scratch, int M, int C, float scale) {
  zero(scratch, RED_SIZE(C));
#define VALS_SUM(m, c) const v128_t V0 = wasm_v128_load(x + (long)(m) * C + (c)), V1 = V0, V2 = V0
  RED_LOOP(1, M, C, scratch, VALS_SUM);
#undef VALS_SUM
  red_finish(scratch, mean, C, C & ~15, scale);
  zero(scratch, RED_SIZE(C));
#define VALS_SQ(m, c)                                                                       \
  const v128_t d_ = wasm_f32x4_sub(wasm_v128_load(x + (long)(m) * C + (c)), wasm_v128_load(mean + (c))); \
  const v128_t V0 = wasm_f32x4_mul(d_, d_), V1 = V0, V2 = V0
  RED_LOOP(1, M, C, scratch, VALS_SQ);
#undef VALS_SQ
  red_finish(scratch, var, C, C & ~15, scale);
}

/*
 * y = z, or PReLU(z) = z > 0 ? z : alpha·z when alpha != 0, with z = ((x − mean)·rstd)·gamma + beta.
 * scratch: 5·P floats (P = lcm(C, 4)).
 */
EXPORT(bnp_forward)
void bnp_forward(const float *x, const float *mean, const float *rstd, const float *gamma, const float *beta, const float *alpha,
                 float *y, float *scratch, int M, int C) {
  const int P = lcm4(C);
  float *pm = scratch, *pr = pm + P, *pg = pr + P, *pb = pg + P, *pa = pb + P;
  pattern(mean, pm, C, P);
  pattern(rstd, pr, C, P);
  pattern(gamma, pg, C, P);
  pattern(beta, pb, C, P);
  if (alpha) pattern(alpha, pa, C, P);
  const long n = (long)M * C;
  const v128_t z0 = wasm_f32x4_splat(0.f);
  long i = 0;
  for (; i + P <= n; i += P)
    for (int j = 0; j < P; j += 4) {
      v128_t t = wasm_f32x4_mul(wasm_f32x4_sub(wasm_v128_load(x + i + j), wasm_v128_load(pm + j)), wasm_v128_load(pr + j));
      t = wasm_f32x4_add(wasm_f32x4_mul(t, wasm_v128_load(pg + j)), wasm_v128_load(pb + j));
      if (alpha) t = wasm_v128_bitselect(t, wasm_f32x4_mul(t, wasm_v128_load(pa + j)), wasm_f32x4_gt(t, z0));
      wasm_v128_store(y + i + j, t);
    }
  for (; i < n; i++) {
    const int c = (int)(i % C);
    float t = ((x[i] - mean[c]) * rstd[c]) * gamma[c] + beta[c];
    if (alpha) t = t > 0.f ? t : t * alpha[c];
    y[i] = t;
  }
}

/*
 * Backward of y = PReLU(BN(x)) (alpha != 0) or y = BN(x) (alpha == 0), batch statistics:
 *   z = ((x − mean)·rstd)·gamma + beta, xh = (x − mean)·rstd
 *   dz = z > 0 ? dy : dy·alpha,  dalpha = Σ (z > 0 ? 0 : dy·z)        (alpha == 0: dz = dy)
 *   dbeta = Σ dz,  dgamma = Σ dz·xh,  dx = ((gamma·rstd)/Mf)·((dz·Mf − dbeta) − xh·dgamma)
 * Sums in channel_sum order. C >= 4. scratch: 3·RED_SIZE(C) + 8·P floats.
 */
EXPORT(bnp_grad)
void bnp_grad(const float *x, const float *dy, const float *mean, const float *rstd, const float *gamma, const float *beta,
              const float *alpha, float *dx, float *dgamma, float *dbeta, float *dalpha, float *scratch, int M, int C, float Mf) {
  const int R = RED_SIZE(C);
  zero(scratch, 3 * R);
  const v128_t z0 = wasm_f32x4_splat(0.f);
  /* reductions in scratch order: 0 = dbeta (Σ dz), 1 = dgamma (Σ dz·xh), 2 = dalpha */
#define VALS_GRAD(m, c)                                                                                         \
  const v128_t xh_ = wasm_f32x4_mul(wasm_f32x4_sub(wasm_v128_load(x + (long)(m) * C + (c)), wasm_v128_load(mean + (c))), \
                                    wasm_v128_load(rstd + (c)));                                                \
  const v128_t g_ = wasm_v128_load(dy + (long)(m) * C + (c));                                                   \
  const v128_t zz_ = wasm_f32x4_add(wasm_f32x4_mul(xh_, wasm_v128_load(gamma + (c))), wasm_v128_load(beta + (c))); \
  const v128_t pos_ = wasm_f32x4_gt(zz_, z0);                                                                   \
  const v128_t V0 = wasm_v128_bitselect(g_, wasm_f32x4_mul(g_, wasm_v128_load(alpha + (c))), pos_);             \
  const v128_t V1 = wasm_f32x4_mul(V0, xh_);                                                                    \
  const v128_t V2 = wasm_v128_bitselect(z0, wasm_f32x4_mul(g_, zz_), pos_)
#define VALS_GRAD_BN(m, c)                                                                                      \
  const v128_t xh_ = wasm_f32x4_mul(wasm_f32x4_sub(wasm_v128_load(x + (long)(m) * C + (c)), wasm_v128_load(mean + (c))), \
                                    wasm_v128_load(rstd + (c)));                                                \
  const v128_t V0 = wasm_v128_load(dy + (long)(m) * C + (c));                                                   \
  const v128_t V1 = wasm_f32x4_mul(V0, xh_), V2 = V0
  if (alpha) RED_LOOP(3, M, C, scratch, VALS_GRAD);
  else RED_LOOP(2, M, C, scratch, VALS_GRAD_BN);
#undef VALS_GRAD
#undef VALS_GRAD_BN
  float *rb = scratch, *rg = rb + R, *ra = rg + R;
  const int C16 = C & ~15;
  red_finish(rb, dbeta, C, C16, 1.f);
  red_finish(rg, dgamma, C, C16, 1.f);
  if (alpha) red_finish(ra, dalpha, C, C16, 1.f);
  const int P = lcm4(C);
  float *pm = scratch + 3 * R, *pr = pm + P, *pg = pr + P, *pb = pg + P, *pa = pb + P, *ps = pa + P, *psb = ps + P, *psg = psb + P;
  pattern(mean, pm, C, P);
  pattern(rstd, pr, C, P);
  pattern(gamma, pg, C, P);
  pattern(beta, pb, C, P);
  if (alpha) pattern(alpha, pa, C, P);
  pattern(dbeta, psb, C, P);
  pattern(dgamma, psg, C, P);
  for (int j = 0; j < P; j++) ps[j] = (pg[j] * pr[j]) / Mf;
  const v128_t vM = wasm_f32x4_splat(Mf);
  const long n = (long)M * C;
  long i = 0;
  for (; i + P <= n; i += P)
    for (int j = 0; j < P; j += 4) {
      const v128_t xh = wasm_f32x4_mul(wasm_f32x4_sub(wasm_v128_load(x + i + j), wasm_v128_load(pm + j)), wasm_v128_load(pr + j));
      const v128_t g = wasm_v128_load(dy + i + j);
      v128_t dz = g;
      if (alpha) {
        const v128_t z = wasm_f32x4_add(wasm_f32x4_mul(xh, wasm_v128_load(pg + j)), wasm_v128_load(pb + j));
        dz = wasm_v128_bitselect(g, wasm_f32x4_mul(g, wasm_v128_load(pa + j)), wasm_f32x4_gt(z, z0));
      }
      const v128_t in = wasm_f32x4_sub(wasm_f32x4_sub(wasm_f32x4_mul(dz, vM), wasm_v128_load(psb + j)), wasm_f32x4_mul(xh, wasm_v128_load(psg + j)));
      wasm_v128_store(dx + i + j, wasm_f32x4_mul(wasm_v128_load(ps + j), in));
    }
  for (; i < n; i++) {
    const int c = (int)(i % C);
    const float xh = (x[i] - mean[c]) * rstd[c];
    float dz = dy[i];
    if (alpha) {
      const float z = xh * gamma[c] + beta[c];
      dz = z > 0.f ? dz : dz * alpha[c];
    }
    dx[i] = ((gamma[c] * rstd[c]) / Mf) * ((dz * Mf - dbeta[c]) - xh * dgamma[c]);
  }
}

/*
 * Bilinear-resize backward (core ops/resize-bilinear.ts): dx = R_hᵀ·dy·R_w applied separably,
 * first along W, then along H, as the two matmuls it replaces — the same products added in the
 * same (ascending) order, skipping only the zero entries of the interpolation matrices (≤ 2
 * non-zeros per row), which changes nothing but the sign of an exact zero.
 * aw [w, W], ah [h, H] dense (row = output pixel of the forward resize); either may be 0 (that
 * axis is not resized: w == W or h == H). dy [N,h,w,C] → dx [N,H,W,C].
 * tmp: N·h·W·C floats (when both axes resize); nz: 4·(w + h) floats.
 */
static void nz_pairs(const float *a, int rows, int cols, float *nz) {
  for (int r = 0; r < rows; r++) {
    float *p = nz + 4 * r;
    p[0] = -1.f; p[1] = 0.f; p[2] = -1.f; p[3] = 0.f;
    int k = 0;
    for (int j = 0; j < cols && k < 2; j++)
      if (a[(long)r * cols + j] != 0.f) {
        p[2 * k] = (float)j;
        p[2 * k + 1] = a[(long)r * cols + j];
        k++;
      }
  }
}

static inline void axpy(float *dst, const float *src, float v, long n) {
  const v128_t vv = wasm_f32x4_splat(v);
  long i = 0;
  for (; i + 4 <= n; i += 4) wasm_v128_store(dst + i, wasm_f32x4_add(wasm_v128_load(dst + i), wasm_f32x4_mul(wasm_v128_load(src + i), vv)));
  for (; i < n; i++) dst[i] += src[i] * v;
}

EXPORT(resize_bilinear_grad)
void resize_bilinear_grad(const float *dy, float *dx, float *tmp, float *nz, const float *aw, const float *ah, int N, int h, int w,
                          int H, int W, int C) {
  float *nzw = nz, *nzh = nz + 4 * w;
  if (aw) nz_pairs(aw, w, W, nzw);
  if (ah) nz_pairs(ah, h, H, nzh);
  /* along W: g[n, y, X, c] = Σ_x' dy[n, y, x', c]·aw[x', X] */
  const float *g = dy;
  if (aw) {
    float *o = ah ? tmp : dx;
    for (long r = 0; r < (long)N * h; r++) {
      float *orow = o + r * W * C;
      const float *irow = dy + r * w * C;
      for (long i = 0; i < (long)W * C; i++) orow[i] = 0.f;
      for (int xs = 0; xs < w; xs++)
        for (int k = 0; k < 2; k++) {
          const float X = nzw[4 * xs + 2 * k];
          if (X < 0.f) break;
          axpy(orow + (long)X * C, irow + (long)xs * C, nzw[4 * xs + 2 * k + 1], C);
        }
    }
    g = o;
  }
  /* along H: dx[n, Y, :, :] = Σ_y' g[n, y', :, :]·ah[y', Y] */
  if (ah) {
    const long row = (long)W * C;
    for (int n = 0; n < N; n++) {
      float *on = dx + (long)n * H * row;
      const float *gn = g + (long)n * h * row;
      for (long i = 0; i < (long)H * row; i++) on[i] = 0.f;
      for (int ys = 0; ys < h; ys++)
        for (int k = 0; k < 2; k++) {
          const float Y = nzh[4 * ys + 2 * k];
          if (Y < 0.f) break;
          axpy(on + (long)Y * row, gn + (long)ys * row, nzh[4 * ys + 2 * k + 1], row);
        }
    }
  }
}

/*
 * Stride-1 depthwise convolution forward (multiplier 1, no bias), row form:
 * y[n,oh,ow,c] = Σ_{kw} Σ_{kh} x[n, oh + kh·dh − pt, ow + kw·dw − pl, c]·w[kh,kw,c], taps in
 * XNNPACK's dwconv order (kw outer, kh inner, from 0), so the values equal XNNPACK's (up to the
 * sign of an exact zero: padded taps are skipped rather than multiplied by 0).
 * wrep: scratch [KH·KW, OW·C] (each tap's weights repeated along an output row).
 */
/* o[ow0..ow1) of one output row: zero, then add the taps (kw outer, kh inner) over those columns */
static void dw_fwd_row_rmw(const float *xn, float *o, const float *wrep, int oh, int ow0_, int ow1_, int H, int W, int C, int KH, int KW,
                           int dh, int dw, int pt, int pl, int OW) {
  const long OWC = (long)OW * C;
  for (long j = (long)ow0_ * C; j < (long)ow1_ * C; j++) o[j] = 0.f;
  for (int kw = 0; kw < KW; kw++) {
    const int s = kw * dw - pl; /* iw = ow + s */
    int ow0 = s < 0 ? -s : 0, ow1 = W - s < OW ? W - s : OW;
    if (ow0 < ow0_) ow0 = ow0_;
    if (ow1 > ow1_) ow1 = ow1_;
    if (ow0 >= ow1) continue;
    for (int kh = 0; kh < KH; kh++) {
      const int ih = oh + kh * dh - pt;
      if (ih < 0 || ih >= H) continue;
      const float *src = xn + (long)ih * W * C + (long)(ow0 + s) * C;
      const float *wr = wrep + (long)(kh * KW + kw) * OWC + (long)ow0 * C;
      float *dst = o + (long)ow0 * C;
      const long len = (long)(ow1 - ow0) * C;
      long k = 0;
      for (; k + 4 <= len; k += 4)
        wasm_v128_store(dst + k, wasm_f32x4_add(wasm_v128_load(dst + k), wasm_f32x4_mul(wasm_v128_load(src + k), wasm_v128_load(wr + k))));
      for (; k < len; k++) dst[k] += src[k] * wr[k];
    }
  }
}

EXPORT(dw_forward_s1)
void dw_forward_s1(const float *x, const float *w, float *y, float *wrep, int N, int H, int W, int C, int KH, int KW,
                   int dh, int dw, int pt, int pl, int OH, int OW) {
  const long OWC = (long)OW * C;
  for (int t = 0; t < KH * KW; t++) {
    float *r = wrep + (long)t * OWC;
    for (int ow = 0; ow < OW; ow++)
      for (int c = 0; c < C; c++) r[(long)ow * C + c] = w[t * C + c];
  }
  /* columns where every kw tap is inside x: ow + kw·dw − pl in [0, W) for all kw */
  int owA = pl, owB = W + pl - (KW - 1) * dw;
  if (owA < 0) owA = 0;
  if (owB > OW) owB = OW;
  for (int n = 0; n < N; n++) {
    const float *xn = x + (long)n * H * W * C;
    for (int oh = 0; oh < OH; oh++) {
      float *o = y + ((long)n * OH + oh) * OWC;
      const int i0 = oh - pt, i1 = oh + dh - pt, i2 = oh + 2 * dh - pt;
      if (KH != 3 || KW != 3 || owA >= owB || i0 < 0 || i2 >= H) {
        dw_fwd_row_rmw(xn, o, wrep, oh, 0, OW, H, W, C, KH, KW, dh, dw, pt, pl, OW);
        continue;
      }
      /* 3×3 interior: the nine products summed in registers, kw outer, kh inner */
      const long s0 = (long)(0 - pl) * C, s1 = (long)(dw - pl) * C, s2 = (long)(2 * dw - pl) * C;
      const float *r0 = xn + (long)i0 * W * C, *r1 = xn + (long)i1 * W * C, *r2 = xn + (long)i2 * W * C;
      const float *w00 = wrep, *w10 = wrep + 3 * OWC, *w20 = wrep + 6 * OWC;
      const float *w01 = wrep + OWC, *w11 = wrep + 4 * OWC, *w21 = wrep + 7 * OWC;
      const float *w02 = wrep + 2 * OWC, *w12 = wrep + 5 * OWC, *w22 = wrep + 8 * OWC;
      const long jA = (long)owA * C, jB = (long)owB * C;
      long j = jA;
      for (; j + 4 <= jB; j += 4) {
        v128_t a = wasm_f32x4_splat(0.f);
        a = wasm_f32x4_add(a, wasm_f32x4_mul(wasm_v128_load(r0 + j + s0), wasm_v128_load(w00 + j)));
        a = wasm_f32x4_add(a, wasm_f32x4_mul(wasm_v128_load(r1 + j + s0), wasm_v128_load(w10 + j)));
        a = wasm_f32x4_add(a, wasm_f32x4_mul(wasm_v128_load(r2 + j + s0), wasm_v128_load(w20 + j)));
        a = wasm_f32x4_add(a, wasm_f32x4_mul(wasm_v128_load(r0 + j + s1), wasm_v128_load(w01 + j)));
        a = wasm_f32x4_add(a, wasm_f32x4_mul(wasm_v128_load(r1 + j + s1), wasm_v128_load(w11 + j)));
        a = wasm_f32x4_add(a, wasm_f32x4_mul(wasm_v128_load(r2 + j + s1), wasm_v128_load(w21 + j)));
        a = wasm_f32x4_add(a, wasm_f32x4_mul(wasm_v128_load(r0 + j + s2), wasm_v128_load(w02 + j)));
        a = wasm_f32x4_add(a, wasm_f32x4_mul(wasm_v128_load(r1 + j + s2), wasm_v128_load(w12 + j)));
        a = wasm_f32x4_add(a, wasm_f32x4_mul(wasm_v128_load(r2 + j + s2), wasm_v128_load(w22 + j)));
        wasm_v128_store(o + j, a);
      }
      for (; j < jB; j++) {
        float a = 0.f;
        a += r0[j + s0] * w00[j]; a += r1[j + s0] * w10[j]; a += r2[j + s0] * w20[j];
        a += r0[j + s1] * w01[j]; a += r1[j + s1] * w11[j]; a += r2[j + s1] * w21[j];
        a += r0[j + s2] * w02[j]; a += r1[j + s2] * w12[j]; a += r2[j + s2] * w22[j];
        o[j] = a;
      }
      dw_fwd_row_rmw(xn, o, wrep, oh, 0, owA, H, W, C, KH, KW, dh, dw, pt, pl, OW);
      dw_fwd_row_rmw(xn, o, wrep, oh, owB, OW, H, W, C, KH, KW, dh, dw, pt, pl, OW);
    }
  }
}

/*
 * im2col (row form): out[m][(kh*KW + kw)*C + c] = x[n, oh*sh + kh*dh - pt, ow*sw + kw*dw - pl, c]
 * (0 outside x), m = (n*OH + oh)*OW + ow: the transpose of im2col_t, for conv1x1_filter_grad
 * (dW = colsᵀ·dy with each sum in ascending m, as the matmul on im2col_t's output).
 */
EXPORT(im2col_rows)
void im2col_rows(const float *x, float *out, int N, int H, int W, int C, int KH, int KW, int sh, int sw,
                 int dh, int dw, int pt, int pl, int OH, int OW) {
  const long K = (long)KH * KW * C;
  float *o = out;
  for (int n = 0; n < N; n++)
    for (int oh = 0; oh < OH; oh++)
      for (int ow = 0; ow < OW; ow++, o += K)
        for (int kh = 0; kh < KH; kh++) {
          const int ih = oh * sh + kh * dh - pt;
          for (int kw = 0; kw < KW; kw++) {
            const int iw = ow * sw + kw * dw - pl;
            float *d = o + (long)(kh * KW + kw) * C;
            if (ih < 0 || ih >= H || iw < 0 || iw >= W) {
              for (int c = 0; c < C; c++) d[c] = 0.f;
              continue;
            }
            const float *s = x + (((long)n * H + ih) * W + iw) * C;
            int c = 0;
            for (; c + 4 <= C; c += 4) wasm_v128_store(d + c, wasm_v128_load(s + c));
            for (; c < C; c++) d[c] = s[c];
          }
        }
}

/*
 * BatchNorm running statistics (nn/batch-norm.ts), as its tfjs ops round:
 *   rm' = rm·a + mean·b,  rv' = rv·a + (var·s)·b   (a = 1 − momentum, b = momentum, s = n/(n−1);
 *   s == 0: the variance is used as is)
 */
EXPORT(bn_running)
void bn_running(const float *rm, const float *rv, const float *mean, const float *var, float *nm, float *nv, int C, float a, float b, float s) {
  for (int c = 0; c < C; c++) {
    nm[c] = rm[c] * a + mean[c] * b;
    const float u = s != 0.f ? var[c] * s : var[c];
    nv[c] = rv[c] * a + u * b;
  }
}

/*
 * Hard-swish in one pass (inference, fold/fuse-elementwise.ts), rounding as nn's composed graph
 * x·relu6(x + 3)/6 does: t = x + 3, r = min(max(t, 0), 6), y = (x·r)/6, each step in float32.
 */
EXPORT(hardswish)
void hardswish(const float *x, float *y, int n) {
  const v128_t three = wasm_f32x4_splat(3.f), six = wasm_f32x4_splat(6.f), zero = wasm_f32x4_splat(0.f);
  int i = 0;
  for (; i + 4 <= n; i += 4) {
    const v128_t v = wasm_v128_load(x + i);
    const v128_t r = wasm_f32x4_min(wasm_f32x4_max(wasm_f32x4_add(v, three), zero), six);
    wasm_v128_store(y + i, wasm_f32x4_div(wasm_f32x4_mul(v, r), six));
  }
  for (; i < n; i++) {
    float r = x[i] + 3.f;
    r = r < 0.f ? 0.f : (r > 6.f ? 6.f : r);
    y[i] = (x[i] * r) / 6.f;
  }
}

/*
 * Squeeze-excite gating with a hard-sigmoid gate in one pass (inference): for x [N, M, C] and the
 * gate logits s [N, C], y[n,m,c] = x[n,m,c]·g[n,c], g = min(max(s·slope + offset, 0), 1), each
 * step in float32 as the composed Mul, Add, ClipByValue, Mul graph. g: scratch [C] (C ≥ 1).
 */
EXPORT(hsig_gate)
void hsig_gate(const float *x, const float *s, float *y, float *g, int N, int M, int C, float slope, float offset) {
  for (int n = 0; n < N; n++) {
    for (int c = 0; c < C; c++) {
      float v = s[(long)n * C + c] * slope + offset;
      g[c] = v < 0.f ? 0.f : (v > 1.f ? 1.f : v);
    }
    const float *xn = x + (long)n * M * C;
    float *yn = y + (long)n * M * C;
    for (int m = 0; m < M; m++) {
      const float *xr = xn + (long)m * C;
      float *yr = yn + (long)m * C;
      int c = 0;
      for (; c + 4 <= C; c += 4) wasm_v128_store(yr + c, wasm_f32x4_mul(wasm_v128_load(xr + c), wasm_v128_load(g + c)));
      for (; c < C; c++) yr[c] = xr[c] * g[c];
    }
  }
}

/*
 * One Adam step for one variable (tfjs's AdamOptimizer.applyGradients, adam_optimizer.ts), each
 * operation rounded to float32 in the order its composed kernels round (contraction off, as wasm has
 * no FMA anyway), so θ', m', v' are bit-identical to tfjs's Multiply/Add/Square/RealDiv/Sqrt chain:
 *   g ← g + θ·wd (when decay; coupled weight decay)    g ← g·k (when scale; a per-variable lr scale)
 *   m' = m·β1 + g·c1                 v' = v·β2 + (g·g)·c2          (c = 1 − β, rounded by the caller)
 *   θ' = ((m'/(1 − β1ᵗ)) / (sqrt(v'/(1 − β2ᵗ)) + ε))·(−lr) + θ     (β1ᵗ = *acc1, β2ᵗ = *acc2)
 * x, m, v, g: [n] inputs; xo, mo, vo: [n] outputs (distinct from the inputs or equal to them).
 */
EXPORT(adam_update)
void adam_update(const float *x, const float *m, const float *v, const float *g, float *xo, float *mo, float *vo, int n,
                 const float *acc1, const float *acc2, float b1, float c1, float b2, float c2, float eps, float nlr,
                 float wd, int decay, float k, int scale) {
#pragma clang fp contract(off)
  const float ob1 = 1.f - *acc1, ob2 = 1.f - *acc2;
  const v128_t B1 = wasm_f32x4_splat(b1), C1 = wasm_f32x4_splat(c1), B2 = wasm_f32x4_splat(b2),
               C2 = wasm_f32x4_splat(c2), OB1 = wasm_f32x4_splat(ob1), OB2 = wasm_f32x4_splat(ob2),
               EPS = wasm_f32x4_splat(eps), NLR = wasm_f32x4_splat(nlr), WD = wasm_f32x4_splat(wd),
               K = wasm_f32x4_splat(k);
  int i = 0;
  for (; i + 4 <= n; i += 4) {
    const v128_t xx = wasm_v128_load(x + i);
    v128_t gg = wasm_v128_load(g + i);
    if (decay) gg = wasm_f32x4_add(gg, wasm_f32x4_mul(xx, WD));
    if (scale) gg = wasm_f32x4_mul(gg, K);
    const v128_t mm = wasm_f32x4_add(wasm_f32x4_mul(wasm_v128_load(m + i), B1), wasm_f32x4_mul(gg, C1));
    const v128_t vv =
        wasm_f32x4_add(wasm_f32x4_mul(wasm_v128_load(v + i), B2), wasm_f32x4_mul(wasm_f32x4_mul(gg, gg), C2));
    const v128_t den = wasm_f32x4_add(wasm_f32x4_sqrt(wasm_f32x4_div(vv, OB2)), EPS);
    const v128_t step = wasm_f32x4_mul(wasm_f32x4_div(wasm_f32x4_div(mm, OB1), den), NLR);
    wasm_v128_store(mo + i, mm);
    wasm_v128_store(vo + i, vv);
    wasm_v128_store(xo + i, wasm_f32x4_add(step, xx));
  }
  for (; i < n; i++) {
    const float xx = x[i];
    float gg = g[i];
    if (decay) gg = gg + xx * wd;
    if (scale) gg = gg * k;
    const float mm = m[i] * b1 + gg * c1;
    const float vv = v[i] * b2 + (gg * gg) * c2;
    const float den = __builtin_sqrtf(vv / ob2) + eps;
    mo[i] = mm;
    vo[i] = vv;
    xo[i] = ((mm / ob1) / den) * nlr + xx;
  }
}
