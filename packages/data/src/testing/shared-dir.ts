import path from 'node:path';
import { fileURLToPath } from 'node:url';

/**
 * The shared folder with official weights and real sample data that some tests use:
 * `KD_SHARED_DIR` when set, else `../shared` relative to the repository root (a checkout at
 * `/work/main` finds `/work/shared`). Never an absolute path baked into a test.
 */
export function sharedDir(): string {
  if (process.env.KD_SHARED_DIR) return path.resolve(process.env.KD_SHARED_DIR);
  const repo = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../../..');
  return path.resolve(repo, '../shared');
}

/** `<shared>/real-data/<rel>`: real images and labels for reader tests. */
export function realDataDir(rel = ''): string {
  return path.join(sharedDir(), 'real-data', rel);
}
