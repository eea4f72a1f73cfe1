import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { probeDawn } from '@kd/runtime';
import { describe, expect, it } from 'vitest';
import { firstError } from './first-error.ts';

/**
 * The device check's node part (scripts/device-check.sh runs its `all`): the plumbing runs here
 * on the wasm/cpu backends and Dawn's null adapter, where webgpu values are meaningless, so the
 * assertions are on the cpu half (exact goldens), shapes of the records and freed tensors.
 */
const here = path.dirname(fileURLToPath(import.meta.url));
const ROOT = path.resolve(here, '../../..');
const TSX = path.join(ROOT, 'node_modules', '.bin', 'tsx');
const SCRIPT = path.join(here, 'device-check.ts');

function run(
  args: string[],
  env: Record<string, string> = {},
): { status: number | null; rows: Record<string, unknown>[]; stderr: string } {
  const r = spawnSync(TSX, [SCRIPT, ...args], { encoding: 'utf8', env: { ...process.env, ...env }, timeout: 200_000 });
  const rows = (r.stdout ?? '')
    .split('\n')
    .filter((l) => l.startsWith('{'))
    .map((l) => JSON.parse(l) as Record<string, unknown>);
  return { status: r.status, rows, stderr: r.stderr };
}

describe('device check (node part)', () => {
  it('firstError picks the telling line of a failed child', () => {
    expect(
      firstError(
        'x\nout of memory:\nOut of memory.\n - While calling [Device].CreateBuffer\nDOMException [AbortError]',
      ),
    ).toBe('Out of memory.');
    expect(
      firstError(
        'node:internal\n    ErrorCaptureStackTrace(this);\nRuntimeError: memory access out of bounds\n    at f (x.js:1)',
      ),
    ).toBe('RuntimeError: memory access out of bounds');
    expect(firstError('TypeError: x is not a function\nError: later')).toBe('TypeError: x is not a function');
    expect(firstError('all fine')).toBeUndefined();
  });

  it('time: inference and train-step records of tinysod-s on wasm', () => {
    const { status, rows, stderr } = run([
      'time',
      '--model',
      'tinysod-s',
      '--backend',
      'wasm',
      '--size',
      '32',
      '--repeats',
      '1',
      '--warmup',
      '0',
    ]);
    expect(status, stderr).toBe(0);
    expect(rows.map((r) => r.part)).toEqual(['inference', 'train']);
    expect(rows[0]).toMatchObject({
      kind: 'time',
      model: 'tinysod-s',
      backend: 'wasm-simd-1t',
      adapter: null,
      threads: 1,
      size: 32,
      params: 77500,
      macs: 4469376 / 4,
    });
    for (const k of ['infer_ms_b1', 'infer_ms_b8']) expect(rows[0][k] as number).toBeGreaterThan(0);
    expect(rows[1].train_ms_b8 as number).toBeGreaterThan(0);
  });

  it.skipIf(!probeDawn(['backend=null']).adapter)(
    'parity: the cpu half gives the cpu/wasm parity losses; webgpu (null adapter) runs and frees',
    () => {
      const { status, rows, stderr } = run(['parity', '--cases', 'tinysod-s'], { KD_DAWN_BACKEND: 'null' });
      expect(status, stderr).toBe(0);
      expect(rows[0]).toMatchObject({
        kind: 'parity-info',
        adapter: 'null adapter',
        label: 'webgpu-null',
        uncovered: [],
      });
      const p = rows[1] as { model: string; cpu: number[]; webgpu: number[]; leaked: Record<string, number> };
      expect(p.model).toBe('tinysod-s');
      expect(p.cpu[0]).toBeCloseTo(0.6895989179611206, 6);
      expect(p.cpu[1]).toBeCloseTo(0.6253495812416077, 6);
      expect(p.webgpu).toHaveLength(2);
      expect(p.leaked).toEqual({ cpu: 0, webgpu: 0 });
    },
  );

  it('rejects an unknown command with one line', () => {
    const { status, stderr } = run(['bogus']);
    expect(status).toBe(1);
    expect(stderr.trim()).toBe("device-check: unknown command 'bogus' (expected parity, time or all)");
  });
});
