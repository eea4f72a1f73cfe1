import path from 'node:path';
import { REPO_ROOT } from './paths.ts';

/**
 * A written file's path as `wrote …` lines show it: relative to the repository root when it lies
 * inside the repository (`experiments/results/quickstart.csv`), absolute otherwise, never relative
 * to the shell's folder (`../../tmp/x` was hard to read and wrong once the user changed folder).
 */
export function shownPath(p: string, root = REPO_ROOT): string {
  const abs = path.resolve(p);
  const rel = path.relative(root, abs);
  return rel && !rel.startsWith('..') && !path.isAbsolute(rel) ? rel : abs;
}
