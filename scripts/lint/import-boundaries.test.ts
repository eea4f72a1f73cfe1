// The import-boundary rule through eslint's own Node API and the repo's eslint.config.js: small
// snippets linted at virtual paths (the files need not exist), exact messages asserted.
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { ESLint } from 'eslint';
import { describe, expect, it } from 'vitest';

const REPO = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const eslint = new ESLint({ cwd: REPO, overrideConfigFile: path.join(REPO, 'eslint.config.js') });

/** The boundary rule's messages for `code` placed at `file` (repo-relative). */
async function boundaryErrors(file: string, code: string): Promise<string[]> {
  const [r] = await eslint.lintText(code, { filePath: path.join(REPO, file) });
  return r.messages.filter((m) => m.ruleId === 'kd/import-boundaries').map((m) => m.message);
}

const TABLE = 'ARCHITECTURE.md, Rooms and their rules';

describe("kd/import-boundaries: ARCHITECTURE.md's room table", () => {
  it('core imports no tfjs, not even a type', async () => {
    expect(
      await boundaryErrors(
        'packages/core/src/x.ts',
        "import * as tf from '@tensorflow/tfjs';\nexport const n = tf.version;\n",
      ),
    ).toEqual([
      `core may not import '@tensorflow/tfjs': core holds no tensors, no tfjs at all (${TABLE}: core ← runtime ← nn ← {models, losses})`,
    ]);
    expect(
      await boundaryErrors(
        'packages/core/src/x.ts',
        "import type { Tensor } from '@tensorflow/tfjs-core';\nexport type T = Tensor;\n",
      ),
    ).toHaveLength(1);
  });

  it('nn may not import a room above it', async () => {
    expect(
      await boundaryErrors(
        'packages/nn/src/x.ts',
        "import { createModel } from '@kd/models';\nexport const m = createModel;\n",
      ),
    ).toEqual([
      `nn may not import '@kd/models': ${TABLE}: core ← runtime ← nn ← {models, losses} (nn may import @kd/runtime, @kd/core)`,
    ]);
  });

  it('distill may import models, and what lies below it', async () => {
    const code =
      "import { createModel } from '@kd/models';\nimport { Conv2d } from '@kd/nn';\nimport * as tf from '@tensorflow/tfjs';\nexport const x = [createModel, Conv2d, tf];\n";
    expect(await boundaryErrors('packages/distill/src/x.ts', code)).toEqual([]);
  });

  it('sweep reaches bench and core but not the tensor rooms behind bench; data and sweep import no tfjs', async () => {
    expect(
      await boundaryErrors(
        'packages/sweep/src/x.ts',
        "export { fmt } from '@kd/bench';\nexport { Rng } from '@kd/core';\n",
      ),
    ).toEqual([]);
    expect(await boundaryErrors('packages/sweep/src/x.ts', "export { initBackend } from '@kd/runtime';\n")).toEqual([
      `sweep may not import '@kd/runtime': ${TABLE}: sweep ← {core, bench} (no tfjs) (sweep may import @kd/core, @kd/bench)`,
    ]);
    expect(
      await boundaryErrors(
        'packages/data/src/x.ts',
        "const tf = await import('@tensorflow/tfjs');\nexport default tf;\n",
      ),
    ).toEqual([
      `data may not import '@tensorflow/tfjs': data holds no tensors, no tfjs at all (${TABLE}: data ← core (no tensors))`,
    ]);
  });

  it('a relative import may not climb out of its package; experiments may import every room', async () => {
    expect(
      await boundaryErrors(
        'packages/losses/src/kd/x.ts',
        "import { m } from '../../../models/src/index.ts';\nimport { y } from '../y.ts';\nexport const z = [m, y];\n",
      ),
    ).toEqual([
      "relative import '../../../models/src/index.ts' climbs out of packages/losses: import the other package by its name (@kd/…), never its files",
    ]);
    expect(
      await boundaryErrors(
        'experiments/src/x.ts',
        "export * from '@kd/distill';\nexport * from '@kd/sweep';\nexport * from '@tensorflow/tfjs';\n",
      ),
    ).toEqual([]);
  });
});
