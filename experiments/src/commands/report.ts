import path from 'node:path';
import type { CommandModule } from 'yargs';
import { parseIntFlag } from '@kd/core';
import { initBackend } from '@kd/runtime';
import '../experiments/index.ts';
import { REPO_ROOT, userPath } from '../paths.ts';
import { writeReport } from '../report/write-report.ts';
import { shownPath } from '../shown-path.ts';
import { SWEEPS } from '../sweep/registry.ts';

interface ReportArgs {
  name: string;
  out?: string;
  'data-root'?: string;
  images: string;
}

/** `pnpm exp report <name>`: Markdown + PNG report (table, curves, qualitative grid) of a finished sweep. */
export const reportCommand: CommandModule<object, ReportArgs> = {
  command: 'report <name>',
  describe: 'Write a Markdown + PNG report (table, training curves, qualitative grid) for a sweep',
  builder: (y) =>
    y
      .positional('name', { type: 'string', demandOption: true })
      .option('out', { type: 'string', describe: "the sweep's --out folder (default experiments/results)" })
      .option('data-root', { type: 'string', describe: 'datasets folder (default <repo>/datasets)' })
      .option('images', { type: 'string', default: '4', describe: 'val images in the qualitative grid' }) as never,
  handler: async (args) => {
    const exp = SWEEPS.get(args.name);
    const n = parseIntFlag('--images', args.images, { min: 1 });
    await initBackend({ quiet: true });
    const out = args.out ? userPath(args.out) : path.join(REPO_ROOT, 'experiments', 'results');
    const dir = await writeReport(
      exp,
      out,
      args['data-root'] ? userPath(args['data-root']) : path.join(REPO_ROOT, 'datasets'),
      n,
    );
    console.log(`wrote ${shownPath(path.join(dir, 'README.md'))}`);
  },
};
