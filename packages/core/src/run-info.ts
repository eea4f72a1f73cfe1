import { execFileSync } from 'node:child_process';

let cached: string | null = null;

/** Short git hash of the working tree (suffix `-dirty` when it has changes), or `unknown`. */
export function gitHash(cwd = process.cwd()): string {
  if (cached !== null) return cached;
  try {
    const hash = execFileSync('git', ['rev-parse', '--short=10', 'HEAD'], { cwd, encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim();
    const dirty = execFileSync('git', ['status', '--porcelain', '--untracked-files=no'], { cwd, encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim();
    cached = hash + (dirty ? '-dirty' : '');
  } catch {
    cached = 'unknown';
  }
  return cached;
}
