// kd's house rules (scripts/lint/house-rules.js) through eslint's Node API and the repo's config,
// on snippets at virtual paths: exact messages asserted.
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { ESLint } from 'eslint';
import { describe, expect, it } from 'vitest';

const REPO = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const eslint = new ESLint({ cwd: REPO, overrideConfigFile: path.join(REPO, 'eslint.config.js') });

async function errors(file: string, code: string, rule: string): Promise<string[]> {
  const [r] = await eslint.lintText(code, { filePath: path.join(REPO, file) });
  return r.messages.filter((m) => m.ruleId === rule).map((m) => m.message);
}

describe('house/declarations-only: experiment files are declarations', () => {
  it('refuses a value import of tfjs or a tensor room, accepts types and the sweep/distill declarations', async () => {
    const file = 'experiments/src/experiments/my-table.ts';
    expect(
      await errors(
        file,
        "import * as tf from '@tensorflow/tfjs';\nexport const v = tf.version;\n",
        'house/declarations-only',
      ),
    ).toEqual([
      "an experiment file is a declaration: it may not import '@tensorflow/tfjs' (only types; the recipe in @kd/distill does the work — docs/adding-an-experiment.md)",
    ]);
    expect(
      await errors(
        file,
        "import { createModel } from '@kd/models';\nexport const m = createModel;\n",
        'house/declarations-only',
      ),
    ).toHaveLength(1);
    const ok =
      "import type { KdModel } from '@kd/models';\nimport type { SweepExperiment } from '@kd/sweep';\nimport { type Tensor } from '@tensorflow/tfjs';\nexport type X = [KdModel, SweepExperiment, Tensor];\n";
    expect(await errors(file, ok, 'house/declarations-only')).toEqual([]);
    expect(
      await errors(
        'experiments/src/commands/x.ts',
        "import * as tf from '@tensorflow/tfjs';\nexport const v = tf.version;\n",
        'house/declarations-only',
      ),
    ).toEqual([]);
  });
});

describe('house/one-trainer: only @kd/distill trains', () => {
  const step = 'export const f = (o: { minimize(f: () => number): void }) => o.minimize(() => 1);\n';
  it('minimize/applyGradients outside distill is an error; inside distill, in tests and in the benchmarks it is not', async () => {
    expect(await errors('packages/models/src/x.ts', step, 'house/one-trainer')).toEqual([
      "'minimize' outside @kd/distill: train through the one trainer (train() in packages/distill/src/trainer/) — ARCHITECTURE.md, one trainer",
    ]);
    expect(
      await errors(
        'experiments/src/recipes/x.ts',
        'export const g = (o: { applyGradients(x: object): void }) => o.applyGradients({});\n',
        'house/one-trainer',
      ),
    ).toHaveLength(1);
    for (const ok of [
      'packages/distill/src/x.ts',
      'packages/models/src/x.test.ts',
      'experiments/src/commands/bench/x.ts',
      'packages/bench/src/profile/x.ts',
    ]) {
      expect(await errors(ok, step, 'house/one-trainer')).toEqual([]);
    }
  });
});
