/**
 * Exact Euclidean distance transform to the nearest foreground pixel, with the index of that
 * pixel (scipy `distance_transform_edt(gt == 0, return_indices=True)` as PySODMetrics calls it).
 * Ties between equally near foreground pixels go to the smallest column, then the smallest row.
 * Separable two-pass algorithm (column scan, then Meijster's lower envelope per row) in integer
 * arithmetic, so distances are sqrt of exact integers. g: row-major [h, w], 1 = foreground; at
 * least one foreground pixel is required.
 * Returns `dist` (0 on foreground) and `index` (flat index y·w + x of the nearest foreground).
 */
export function nearestForeground(g: Uint8Array, h: number, w: number): { dist: Float64Array; index: Int32Array } {
  const big = h + w + 1; // larger than any real row distance, so empty columns never win
  // Pass 1: per column, nearest foreground row (ties → the upper one) and its distance.
  const rowOf = new Int32Array(h * w).fill(-1);
  const colDist = new Float64Array(h * w);
  for (let x = 0; x < w; x++) {
    let last = -1;
    for (let y = 0; y < h; y++) {
      if (g[y * w + x]) last = y;
      rowOf[y * w + x] = last;
    }
    let next = -1;
    for (let y = h - 1; y >= 0; y--) {
      if (g[y * w + x]) next = y;
      const up = rowOf[y * w + x];
      const dUp = up < 0 ? Infinity : y - up;
      const dDown = next < 0 ? Infinity : next - y;
      if (dDown < dUp) rowOf[y * w + x] = next;
      const r = rowOf[y * w + x];
      colDist[y * w + x] = r < 0 ? big : Math.abs(y - r);
    }
  }
  // Pass 2: per row, minimise (x − i)² + colDist(i)² over columns i (ties → smaller i).
  const dist = new Float64Array(h * w);
  const index = new Int32Array(h * w);
  const s = new Int32Array(w),
    t = new Int32Array(w);
  const gi = new Float64Array(w);
  for (let y = 0; y < h; y++) {
    for (let i = 0; i < w; i++) {
      const d = colDist[y * w + i];
      gi[i] = d * d;
    }
    const f = (x: number, i: number): number => (x - i) * (x - i) + gi[i];
    let q = 0;
    s[0] = 0;
    t[0] = 0;
    for (let u = 1; u < w; u++) {
      while (q >= 0 && f(t[q], s[q]) > f(t[q], u)) q--;
      if (q < 0) {
        q = 0;
        s[0] = u;
      } else {
        // Last x where s[q] is still no worse than u: floor((u²−i²+g(u)−g(i)) / (2(u−i))).
        const i = s[q];
        const sep = Math.floor((u * u - i * i + gi[u] - gi[i]) / (2 * (u - i)));
        const start = 1 + sep;
        if (start < w) {
          q++;
          s[q] = u;
          t[q] = start;
        }
      }
    }
    for (let x = w - 1; x >= 0; x--) {
      const col = s[q];
      dist[y * w + x] = Math.sqrt(f(x, col));
      index[y * w + x] = rowOf[y * w + col] * w + col;
      if (x === t[q]) q--;
    }
  }
  return { dist, index };
}
