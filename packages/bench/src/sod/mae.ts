/** Mean absolute error between a prepared prediction in [0,1] and a binary gt (one image). */
export function mae(p: Float64Array, g: Uint8Array): number {
  let s = 0;
  for (let i = 0; i < p.length; i++) s += Math.abs(p[i] - g[i]);
  return s / p.length;
}
