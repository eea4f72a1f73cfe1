import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { tempPathFor, writeDirAtomic, writeDirAtomicSync, writeFileAtomic, writeJsonAtomic } from './atomic-write.ts';

let dir: string;
beforeEach(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'kd-atomic-'));
});
afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

describe('writeFileAtomic', () => {
  it('writes text, bytes and JSON, creating the folder and leaving no temp file', () => {
    writeFileAtomic(path.join(dir, 'a/b/t.txt'), 'hello');
    writeFileAtomic(path.join(dir, 'a/b/u.bin'), new Uint8Array([1, 2, 255]));
    writeJsonAtomic(path.join(dir, 'a/v.json'), { x: [1, 2] });
    expect(fs.readFileSync(path.join(dir, 'a/b/t.txt'), 'utf8')).toBe('hello');
    expect([...fs.readFileSync(path.join(dir, 'a/b/u.bin'))]).toEqual([1, 2, 255]);
    expect(fs.readFileSync(path.join(dir, 'a/v.json'), 'utf8')).toBe('{\n  "x": [\n    1,\n    2\n  ]\n}');
    expect(fs.readdirSync(path.join(dir, 'a/b')).sort()).toEqual(['t.txt', 'u.bin']);
  });

  it('temp names carry the pid and differ per call', () => {
    const a = tempPathFor('/x/f.json');
    const b = tempPathFor('/x/f.json');
    expect(a).toMatch(new RegExp(`^/x/f\\.json\\.${process.pid}\\.\\d+\\.tmp$`));
    expect(a).not.toBe(b);
  });

  it('a failed write keeps the old file and removes its temp file', () => {
    const f = path.join(dir, 'keep.txt');
    writeFileAtomic(f, 'old');
    expect(() => writeFileAtomic(f, 42 as unknown as string)).toThrow();
    expect(fs.readFileSync(f, 'utf8')).toBe('old');
    expect(fs.readdirSync(dir)).toEqual(['keep.txt']);
  });
});

describe('writeDirAtomic', () => {
  it('replaces a folder whole, or keeps it when fill throws', async () => {
    const d = path.join(dir, 'out');
    expect(await writeDirAtomic(d, (tmp) => fs.writeFileSync(path.join(tmp, 'one'), '1'))).toBe(true);
    expect(writeDirAtomicSync(d, (tmp) => fs.writeFileSync(path.join(tmp, 'two'), '2'))).toBe(true);
    expect(fs.readdirSync(d)).toEqual(['two']);
    await expect(writeDirAtomic(d, () => Promise.reject(new Error('boom')))).rejects.toThrow('boom');
    expect(fs.readdirSync(d)).toEqual(['two']);
    expect(fs.readdirSync(dir)).toEqual(['out']);
  });

  it('keepExisting discards the new copy', async () => {
    const d = path.join(dir, 'out');
    writeDirAtomicSync(d, (tmp) => fs.writeFileSync(path.join(tmp, 'first'), ''));
    expect(
      await writeDirAtomic(d, (tmp) => fs.writeFileSync(path.join(tmp, 'second'), ''), { keepExisting: () => true }),
    ).toBe(false);
    expect(fs.readdirSync(d)).toEqual(['first']);
    expect(fs.readdirSync(dir)).toEqual(['out']);
  });
});
