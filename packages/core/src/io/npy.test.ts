import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { encodeNpy, parseNpy, readNpy } from './npy.ts';

// Written by NumPy 1.24 (np.save / numpy.lib.format.write_array), base64.
const F64_2x2 =
  'k05VTVBZAQB2AHsnZGVzY3InOiAnPGY4JywgJ2ZvcnRyYW5fb3JkZXInOiBGYWxzZSwgJ3NoYXBlJzogKDIsIDIpLCB9ICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgIAoAAAAAAAD4PwAAAAAAAADAAAAAAAAACEAAAAAAAADQPw==';
const F4_V2_3 =
  'k05VTVBZAgB0AAAAeydkZXNjcic6ICc8ZjQnLCAnZm9ydHJhbl9vcmRlcic6IEZhbHNlLCAnc2hhcGUnOiAoMywpLCB9ICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgIAoAAOBAAAAAQQAAEEE=';
const F4_ARANGE_2x3 =
  'k05VTVBZAQB2AHsnZGVzY3InOiAnPGY0JywgJ2ZvcnRyYW5fb3JkZXInOiBGYWxzZSwgJ3NoYXBlJzogKDIsIDMpLCB9ICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgIAoAAAAAAACAPwAAAEAAAEBAAACAQAAAoEA=';
const bytes = (b64: string) => new Uint8Array(Buffer.from(b64, 'base64'));

describe('.npy codec', () => {
  it('encodes byte for byte what np.save writes, and round-trips rank 0–4', () => {
    expect(Buffer.from(encodeNpy(Float32Array.from([0, 1, 2, 3, 4, 5]), [2, 3])).toString('base64')).toBe(
      F4_ARANGE_2x3,
    );
    for (const shape of [[], [3], [2, 3], [1, 2, 2, 3]]) {
      const n = shape.reduce((a, b) => a * b, 1);
      const data = Float32Array.from({ length: n }, (_, i) => i * 0.5 - 1);
      const enc = encodeNpy(data, shape);
      expect(enc.length % 64).toBe((n * 4) % 64);
      const back = parseNpy(enc);
      expect(back).toEqual({ shape, dtype: 'float32', data });
    }
  });

  it('reads NumPy float64 (rounded to float32) and format version 2', () => {
    expect(parseNpy(bytes(F64_2x2))).toEqual({
      shape: [2, 2],
      dtype: 'float64',
      data: Float32Array.from([1.5, -2, 3, 0.25]),
    });
    expect(parseNpy(bytes(F4_V2_3))).toEqual({ shape: [3], dtype: 'float32', data: Float32Array.from([7, 8, 9]) });
  });

  it('header errors name the file and what was expected', () => {
    expect(() => parseNpy(new Uint8Array(12), 'a.npy')).toThrow(/^a\.npy: not a NumPy \.npy file \(bad magic\)$/);
    const text = Buffer.from(encodeNpy(new Float32Array(2), [2])).toString('latin1');
    const with_ = (from: string, to: string) => Uint8Array.from(text.replace(from, to), (c) => c.charCodeAt(0));
    expect(() => parseNpy(with_("'<f4'", "'<i4'"), 'i.npy')).toThrow(
      "i.npy: dtype '<i4' is not supported; expected little-endian float32 ('<f4') or float64 ('<f8')",
    );
    expect(() => parseNpy(with_('False', 'True '), 'f.npy')).toThrow(/^f\.npy: Fortran-order arrays are not supported/);
    expect(() => parseNpy(with_('(2,)', '(3,)'), 's.npy')).toThrow('s.npy: data is 8 bytes, the header promises 12');
    expect(() => parseNpy(with_("'shape'", "'shapf'"), 'h.npy')).toThrow(/^h\.npy: unreadable \.npy header: \{'descr'/);
  });

  it('readNpy reads a file and names a missing one', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'kd-npy-'));
    try {
      const f = path.join(dir, 'x.npy');
      fs.writeFileSync(f, encodeNpy(Float32Array.from([4, 5]), [1, 2]));
      expect(readNpy(f)).toEqual({ shape: [1, 2], dtype: 'float32', data: Float32Array.from([4, 5]) });
      expect(() => readNpy(path.join(dir, 'none.npy'))).toThrow(`${path.join(dir, 'none.npy')}: no such .npy file`);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
