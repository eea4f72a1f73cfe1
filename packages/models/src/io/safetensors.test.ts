import fs from 'node:fs';
import path from 'node:path';
import { DataError, Rng, scratchDirs } from '@kd/core';
import { useBackend } from '@kd/runtime';
import { BatchNorm2d, Conv2d, Module } from '@kd/nn';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadSafetensors } from './load-safetensors.ts';
import { encodeSafetensors, parseSafetensors, type SafeTensor } from './safetensors.ts';

/** Temp folders, removed after this file's tests. */
const temp = scratchDirs();
const scratch = temp.make;
afterAll(temp.removeAll);

class Tiny extends Module {
  readonly conv = this.child('conv', new Conv2d(new Rng(1), 2, 3, { kernel: 3 }));
  readonly dw = this.child('dw', new Conv2d(new Rng(2), 3, 3, { kernel: 3, depthwise: true }));
  readonly bn = this.child('bn', new BatchNorm2d(3));
}

const seq = (n: number, start = 0) => Float32Array.from({ length: n }, (_, i) => start + i);
/** A PyTorch-layout state dict for Tiny: conv OIHW [3,2,3,3], depthwise [3,1,3,3], BN [3]. */
function torchState(): Map<string, SafeTensor> {
  return new Map<string, SafeTensor>([
    ['conv.weight', { shape: [3, 2, 3, 3], data: seq(54) }],
    ['dw.weight', { shape: [3, 1, 3, 3], data: seq(27, 100) }],
    ['bn.weight', { shape: [3], data: seq(3, 1) }],
    ['bn.bias', { shape: [3], data: seq(3, 4) }],
    ['bn.running_mean', { shape: [3], data: seq(3, 7) }],
    ['bn.running_var', { shape: [3], data: seq(3, 10) }],
  ]);
}

function write(tensors: Map<string, SafeTensor>): string {
  const f = path.join(scratch('kd-st-'), 'w.safetensors');
  fs.writeFileSync(f, encodeSafetensors(tensors, { source: 'test' }));
  return f;
}

describe('safetensors', () => {
  beforeAll(() => useBackend('cpu'));

  it('round-trips tensors and metadata; the header is 8-byte aligned', () => {
    const bytes = encodeSafetensors(torchState(), { a: 'b' });
    const n = Number(new DataView(bytes.buffer).getBigUint64(0, true));
    expect((8 + n) % 8).toBe(0);
    const back = parseSafetensors(bytes);
    expect(back.metadata).toEqual({ a: 'b' });
    expect(Array.from(back.tensors.get('dw.weight')!.data)).toEqual(Array.from(seq(27, 100)));
  });

  it('rejects a truncated file and non-F32 tensors, naming file and key', () => {
    const bytes = encodeSafetensors(torchState());
    expect(() => parseSafetensors(bytes.subarray(0, bytes.length - 4), 'x.st')).toThrow(
      /x\.st: tensor 'bn\.running_var': data_offsets/,
    );
    const bad = new TextEncoder().encode('{"t":{"dtype":"F16","shape":[1],"data_offsets":[0,2]}}');
    const buf = new Uint8Array(8 + bad.length + 2);
    new DataView(buf.buffer).setBigUint64(0, BigInt(bad.length), true);
    buf.set(bad, 8);
    expect(() => parseSafetensors(buf, 'h.st')).toThrow(/tensor 't': dtype F16 is not supported/);
  });

  it('loads PyTorch layouts: OIHW → HWIO, depthwise [C,1,k,k] → [k,k,C,1], BN as is', () => {
    const m = new Tiny();
    loadSafetensors(m, write(torchState()));
    const w = m.conv.weight.arraySync() as number[][][][];
    // HWIO[h][w][i][o] = OIHW[o][i][h][w] = o·18 + i·9 + h·3 + w
    expect(w[1][2][1][2]).toBe(2 * 18 + 1 * 9 + 1 * 3 + 2);
    const d = m.dw.weight.arraySync() as number[][][][];
    expect(d[2][0][1][0]).toBe(100 + 1 * 9 + 2 * 3 + 0);
    expect(Array.from(m.bn.runningVar.dataSync())).toEqual([10, 11, 12]);
  });

  it('names every missing, extra and wrong-shape tensor in one error and loads nothing', () => {
    const m = new Tiny();
    const before = Array.from(m.conv.weight.dataSync());
    const st = torchState();
    st.delete('bn.bias');
    st.set('head.weight', { shape: [1], data: seq(1) });
    st.set('dw.weight', { shape: [3, 1, 5, 5], data: seq(75) });
    let err: unknown;
    try {
      loadSafetensors(m, write(st));
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(DataError);
    const msg = (err as Error).message;
    expect(msg).toMatch(/w\.safetensors: does not match the model; nothing loaded/);
    expect(msg).toMatch(/missing from file \(1\): bn\.bias/);
    expect(msg).toMatch(/not in model \(1\): head\.weight/);
    expect(msg).toMatch(/wrong shape \(1\): dw\.weight: file \[3,1,5,5\] vs model \[3,3,3,1\]/);
    expect(Array.from(m.conv.weight.dataSync())).toEqual(before);
  });

  it('maps and drops keys; scope restricts the expected tensors', () => {
    const m = new Tiny();
    const st = new Map(
      [...torchState()]
        .filter(([k]) => k.startsWith('bn.'))
        .map(([k, v]) => [`backbone.${k.replace('running_mean', '_mean')}`, v] as const),
    );
    st.set('backbone.unused', { shape: [1], data: seq(1) });
    const r = loadSafetensors(m, write(st), {
      mapping: (k) => (k === 'backbone.unused' ? null : k.slice(9)),
      scope: 'bn.',
    });
    expect(r).toEqual({ loaded: 4, dropped: ['backbone.unused'] });
    expect(Array.from(m.bn.runningMean.dataSync())).toEqual([7, 8, 9]);
  });
});
