import type { CommandModule } from 'yargs';
import { DATASET_KINDS, datasetKind, inspectDataset, type InspectReport } from '@kd/data';
import { parseIntFlag } from '@kd/core';
import { userPath } from '../../paths.ts';
import { reportDataErrors } from './report-data-error.ts';

interface InspectArgs {
  kind: string;
  root: string;
  split?: string;
  json: boolean;
  skipBad: boolean;
  concurrency: string;
}

/**
 * `pnpm exp data inspect --kind KIND --root DIR [--split S] [--json] [--skip-bad]`: reads every
 * sample through the training readers and prints counts, sizes, per-class pixels or boxes and
 * every bad sample. Exits 1 when bad samples were found, unless --skip-bad (then they are
 * reported as skipped and the exit code is 0).
 */
export const inspectCommand: CommandModule<object, InspectArgs> = {
  command: 'inspect',
  describe: 'Read a dataset through the training readers and report counts, class statistics and bad samples',
  builder: (y) =>
    y
      .option('kind', {
        type: 'string',
        demandOption: true,
        describe: `dataset kind: ${DATASET_KINDS.list().join(', ')}`,
      })
      .option('root', { type: 'string', demandOption: true, describe: 'dataset folder' })
      .option('split', { type: 'string', describe: 'split name (default per kind)' })
      .option('json', { type: 'boolean', default: false, describe: 'print one JSON object' })
      .option('skip-bad', { type: 'boolean', default: false, describe: 'report bad samples as skipped and exit 0' })
      .option('concurrency', { type: 'string', default: '4', describe: 'images decoded at once' }) as never,
  handler: (a) =>
    reportDataErrors(async () => {
      datasetKind(a.kind);
      const concurrency = parseIntFlag('--concurrency', a.concurrency, { min: 1 });
      const r = await inspectDataset(a.kind, userPath(a.root), a.split, { concurrency });
      if (a.json) console.log(JSON.stringify(r, null, 2));
      else printReport(r, a.skipBad);
      if (r.bad.length && !a.skipBad) process.exitCode = 1;
    }),
};

function printReport(r: InspectReport, skipBad: boolean): void {
  const lines = [`${r.kind} ${r.root} [${r.split}]`, `samples: ${r.samples}`];
  if (r.image_sizes)
    lines.push(
      `image sizes: ${r.image_sizes.min.width}×${r.image_sizes.min.height} .. ${r.image_sizes.max.width}×${r.image_sizes.max.height}`,
    );
  if (r.class_pixels) {
    const total = r.class_pixels.reduce((s, v) => s + v, 0) + (r.ignore_pixels ?? 0);
    const pct = (v: number) => `${((100 * v) / Math.max(1, total)).toFixed(2)}%`;
    lines.push('class pixels:');
    r.class_pixels.forEach((v, i) =>
      lines.push(`  ${String(i).padStart(3)} ${r.classes[i].padEnd(14)} ${String(v).padStart(12)}  ${pct(v)}`),
    );
    lines.push(`  ignore (255)       ${String(r.ignore_pixels).padStart(12)}  ${pct(r.ignore_pixels ?? 0)}`);
  }
  if (r.class_boxes) {
    lines.push('class boxes:');
    for (const [c, v] of Object.entries(r.class_boxes)) lines.push(`  ${c.padEnd(14)} ${v}`);
  }
  lines.push(`${skipBad ? 'skipped' : 'bad'}: ${r.bad.length}`);
  for (const b of r.bad) lines.push(`  ${b.file}: ${b.reason}`);
  console.log(lines.join('\n'));
}
