import { execFileSync } from 'node:child_process';

let cached: string | null = null;

/**
 * Short git hash of the working tree (suffix `-dirty` when tracked files have changes), or
 * `unknown`. Changes under `ignore` (repo-relative paths, e.g. the committed results folder a
 * run is rewriting) do not count as dirty.
 */
export function gitHash(cwd = process.cwd(), ignore: readonly string[] = []): string {
  if (cached !== null) return cached;
  try {
    const hash = execFileSync('git', ['rev-parse', '--short=10', 'HEAD'], {
      cwd,
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'ignore'],
    }).trim();
    const pathspec = ignore.length ? ['--', '.', ...ignore.map((p) => `:(exclude)${p}`)] : [];
    const dirty = execFileSync('git', ['status', '--porcelain', '--untracked-files=no', ...pathspec], {
      cwd,
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'ignore'],
    }).trim();
    cached = hash + (dirty ? '-dirty' : '');
  } catch {
    cached = 'unknown';
  }
  return cached;
}
