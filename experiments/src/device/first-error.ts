/** The most telling line of a failed child's output: GPU out-of-memory, a wasm abort, else the first error line. */
export function firstError(text: string): string | undefined {
  const lines = text
    .split('\n')
    .map((l) => l.trim())
    .filter(Boolean);
  for (const re of [
    /Out of memory\./,
    /out of memory/i,
    /RuntimeError|memory access out of bounds|Aborted\(/,
    /^(\w*Error|DOMException)\b.*:/,
    /error/i,
  ]) {
    const hit = lines.find((l) => re.test(l) && !l.startsWith('at ') && !l.includes('ErrorCaptureStackTrace'));
    if (hit) return hit;
  }
  return undefined;
}
