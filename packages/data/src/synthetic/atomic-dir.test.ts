import fs from 'node:fs';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { buildDirAtomically } from './atomic-dir.ts';
import { scratchDirs } from '@kd/core';

/** Temp folders, removed after this file's tests. */
const temp = scratchDirs();
const scratch = temp.make;
afterAll(temp.removeAll);

describe('buildDirAtomically', () => {
  it('concurrent builds of the same dataset: one generates, the other keeps the finished copy, no temp folder remains', async () => {
    const parent = scratch('kdlab-atomic-');
    const root = path.join(parent, 'set');
    let readerSawIt = false;
    const build = (delay: number, text: string) => async (tmp: string) => {
      await new Promise((r) => setTimeout(r, delay));
      fs.writeFileSync(path.join(tmp, 'a.txt'), text);
    };
    const slow = buildDirAtomically(root, { v: 1 }, build(150, 'slow'));
    const fast = buildDirAtomically(root, { v: 1 }, build(10, 'fast'));
    expect(await fast).toBe(true);
    // A reader of the finished folder is not disturbed when the slower build completes.
    const fd = fs.openSync(path.join(root, 'a.txt'), 'r');
    expect(await slow).toBe(false);
    readerSawIt = fs.readFileSync(path.join(root, 'a.txt'), 'utf8') === 'fast';
    fs.closeSync(fd);
    expect(readerSawIt).toBe(true);
    expect(fs.readdirSync(parent)).toEqual(['set']);
    // Same manifest again: reused; a different manifest: rebuilt.
    expect(await buildDirAtomically(root, { v: 1 }, build(0, 'x'))).toBe(false);
    expect(await buildDirAtomically(root, { v: 2 }, build(0, 'new'))).toBe(true);
    expect(fs.readFileSync(path.join(root, 'a.txt'), 'utf8')).toBe('new');
  });
});
