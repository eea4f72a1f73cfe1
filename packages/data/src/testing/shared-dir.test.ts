import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { realDataDir, sharedDir } from './shared-dir.ts';

describe('sharedDir: where tests find ../shared (no absolute path in any test)', () => {
  const saved = process.env.KD_SHARED_DIR;
  afterEach(() => {
    if (saved === undefined) delete process.env.KD_SHARED_DIR;
    else process.env.KD_SHARED_DIR = saved;
  });

  it('defaults to ../shared beside the repository root; KD_SHARED_DIR overrides it', () => {
    delete process.env.KD_SHARED_DIR;
    const repo = path.resolve(import.meta.dirname, '../../../..');
    expect(sharedDir()).toBe(path.resolve(repo, '..', 'shared'));
    process.env.KD_SHARED_DIR = 'rel/dir';
    expect(sharedDir()).toBe(path.resolve('rel/dir'));
    expect(realDataDir('sod')).toBe(path.join(path.resolve('rel/dir'), 'real-data', 'sod'));
  });
});
