import path from 'node:path';
import { fileURLToPath } from 'node:url';

/**
 * Where the shared pretrained weights live: `KD_WEIGHTS_DIR`, else `<repo>/../shared/weights`
 * (the workspace layout: `/work/main` beside `/work/shared`).
 */
export function sharedWeightsDir(): string {
  if (process.env.KD_WEIGHTS_DIR) return path.resolve(process.env.KD_WEIGHTS_DIR);
  const repo = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');
  return path.resolve(repo, '../shared/weights');
}

/** A file inside the shared weights directory. */
export function sharedWeightsFile(name: string): string {
  return path.join(sharedWeightsDir(), name);
}
