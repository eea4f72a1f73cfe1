import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { scratchDirs } from './scratch-dirs.ts';

describe('scratchDirs', () => {
  it('makes folders under the temp dir with the prefix and removes exactly those', () => {
    const s = scratchDirs();
    const a = s.make('kdlab-scratch-a-'),
      b = s.make('kdlab-scratch-b-');
    fs.writeFileSync(path.join(a, 'f.txt'), 'x');
    expect(path.dirname(a)).toBe(os.tmpdir());
    expect(path.basename(b).startsWith('kdlab-scratch-b-')).toBe(true);
    s.removeAll();
    expect([fs.existsSync(a), fs.existsSync(b)]).toEqual([false, false]);
    s.removeAll();
  });
});
