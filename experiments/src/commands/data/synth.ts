import fs from 'node:fs';
import type { CommandModule } from 'yargs';
import { UsageError, parseIntFlag } from '@kd/core';
import { DATASET_KINDS, datasetKind } from '@kd/data';
import { userPath } from '../../paths.ts';
import { reportDataErrors } from './report-data-error.ts';

interface SynthArgs {
  kind: string;
  out: string;
  n: string;
  seed: string;
  width?: string;
  height?: string;
  force: boolean;
}

/**
 * `pnpm exp data synth <kind> --out DIR --n N --seed S [--width W --height H]`: writes the
 * synthetic twin of a dataset kind in its real on-disk layout. Deterministic in (kind, n,
 * seed, size); built in a temp folder and renamed into place.
 */
export const synthCommand: CommandModule<object, SynthArgs> = {
  command: 'synth <kind>',
  describe: 'Write a seeded synthetic twin of a dataset kind, in its real on-disk format',
  builder: (y) =>
    y
      .positional('kind', {
        type: 'string',
        demandOption: true,
        describe: `dataset kind: ${DATASET_KINDS.list().join(', ')}`,
      })
      .option('out', {
        type: 'string',
        demandOption: true,
        describe: 'output folder (replaced when its manifest differs)',
      })
      .option('n', {
        type: 'string',
        default: '16',
        describe: 'samples in the train split (the second split gets ⌈n/4⌉)',
      })
      .option('seed', { type: 'string', default: '1', describe: 'generator seed' })
      .option('width', { type: 'string', describe: 'image width (default per kind)' })
      .option('height', { type: 'string', describe: 'image height (default per kind)' })
      .option('force', {
        type: 'boolean',
        default: false,
        describe: 'replace --out even when it is not a synthetic dataset',
      }) as never,
  handler: (a) =>
    reportDataErrors(async () => {
      const kind = datasetKind(a.kind);
      const n = parseIntFlag('--n', a.n, { min: 1 });
      const seed = parseIntFlag('--seed', a.seed, { min: 1 });
      const width = a.width === undefined ? undefined : parseIntFlag('--width', a.width, { min: 8 });
      const height = a.height === undefined ? undefined : parseIntFlag('--height', a.height, { min: 8 });
      const out = userPath(a.out);
      if (fs.existsSync(out) && fs.readdirSync(out).length > 0 && !fs.existsSync(`${out}/manifest.json`) && !a.force) {
        throw new UsageError(
          `--out: ${out} exists and is not a synthetic dataset (no manifest.json); pass --force to replace it`,
        );
      }
      const t0 = Date.now();
      await kind.synth(out, { n, seed, width, height });
      console.log(
        `${kind.name}: synthetic twin in ${out} (n ${n}, seed ${seed}, ${((Date.now() - t0) / 1000).toFixed(1)} s)`,
      );
    }),
};
