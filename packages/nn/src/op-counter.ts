/**
 * Analytic operation counting from a real forward pass. Layers report each call
 * (`reportOp`) while a counter is active; `countOps(fn)` runs `fn` and returns the per-layer list.
 * MACs: conv k·k·(in/groups)·out·H'·W', dense in·out, resize 4 per output value (bilinear
 * taps), pooling k·k per output value, elementwise 1 per output value (as FLOPs, not MACs).
 */
export interface OpRecord {
  kind: 'conv' | 'depthwise' | 'dense' | 'resize' | 'pool' | 'elementwise' | 'norm';
  name: string;
  /** Multiply–accumulates (for conv/dense/resize/pool); 0 for elementwise. */
  macs: number;
  /** Other floating-point operations (activations, adds, norms). */
  flops: number;
  outShape: number[];
}

let active: OpRecord[] | null = null;

export function reportOp(rec: OpRecord): void {
  if (active) active.push(rec);
}

export function countingOps(): boolean {
  return active !== null;
}

/** Runs `fn` with counting on and returns what the layers reported. Not re-entrant. */
export function countOps(fn: () => void): OpRecord[] {
  if (active) throw new Error('countOps: already counting');
  active = [];
  try {
    fn();
    return active;
  } finally {
    active = null;
  }
}
