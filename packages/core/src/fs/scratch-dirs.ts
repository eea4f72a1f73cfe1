import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

/** Temp folders made on demand and removed together (tests: `afterAll(scratch.removeAll)`). */
export interface ScratchDirs {
  /** A new folder `<os.tmpdir()>/<prefix>XXXXXX`. */
  make(prefix: string): string;
  /** Removes every folder made so far; safe to call twice. */
  removeAll(): void;
}

export function scratchDirs(): ScratchDirs {
  const dirs: string[] = [];
  return {
    make: (prefix) => {
      const dir = fs.mkdtempSync(path.join(os.tmpdir(), prefix));
      dirs.push(dir);
      return dir;
    },
    removeAll: () => {
      for (const dir of dirs.splice(0)) fs.rmSync(dir, { recursive: true, force: true });
    },
  };
}
