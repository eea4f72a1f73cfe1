/**
 * JSON for metric output: NaN, ±Infinity and undefined become null (JSON has no NaN), typed
 * arrays become plain arrays. `indent` as in JSON.stringify.
 */
export function toMetricJson(value: unknown, indent = 2): string {
  return JSON.stringify(
    value,
    (_k, v: unknown) => {
      if (typeof v === 'number' && !Number.isFinite(v)) return null;
      if (v === undefined) return null;
      if (ArrayBuffer.isView(v) && !(v instanceof DataView)) return Array.from(v as unknown as ArrayLike<number>);
      return v;
    },
    indent,
  );
}
