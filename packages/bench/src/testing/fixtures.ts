import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { expect } from 'vitest';

/** Test-only: reads `packages/bench/fixtures/<name>` (written by `tools/reference/metrics/*.py`). */
export function readFixture<T>(name: string): T {
  const file = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../fixtures', name);
  return JSON.parse(fs.readFileSync(file, 'utf8')) as T;
}

/** |a − e| ≤ tol·max(1, |e|); null/NaN must match null. */
export function expectClose(actual: number | null, expected: number | null, tol = 1e-9, label = ''): void {
  if (expected === null || Number.isNaN(expected)) {
    expect(actual === null || Number.isNaN(actual), `${label}: expected null, got ${actual}`).toBe(true);
    return;
  }
  expect(actual, label).not.toBeNull();
  const err = Math.abs((actual as number) - expected);
  expect(err <= tol * Math.max(1, Math.abs(expected)), `${label}: got ${actual}, expected ${expected}`).toBe(true);
}
