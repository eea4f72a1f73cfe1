import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { scratchDirs } from '@kd/core';
import { useBackend } from '@kd/runtime';
import { ModelCosts } from './model-costs.ts';
import { planContext } from './plan-context.ts';
import { planCsnetReleased } from './plan-csnet-released.ts';

const temp = scratchDirs();
afterAll(temp.removeAll);

const cfg = {
  model: 'csnet-l-x1',
  weights_x1: '',
  weights_x2: '',
  benchmarks: 'DUTS-TE,ECSSD,HKU-IS,DUT-OMRON,PASCAL-S',
  size: 224,
};

describe('planCsnetReleased', () => {
  beforeAll(() => useBackend('cpu'));

  it('one forward per image: the benchmarks found under --data-root, else the distributed sizes; nothing trained or written', () => {
    const costs = new ModelCosts();
    const root = temp.make('kdlab-plan-released-');
    for (const n of ['a', 'b', 'c']) {
      for (const [sub, ext] of [
        ['images', 'jpg'],
        ['GT', 'png'],
      ]) {
        fs.mkdirSync(path.join(root, 'ECSSD', sub), { recursive: true });
        fs.writeFileSync(path.join(root, 'ECSSD', sub, `${n}.${ext}`), '');
      }
    }
    const counted = planCsnetReleased(cfg, planContext({ backendLabel: 't', dataDir: root, countRoot: root, costs }));
    expect(counted.stages.map((s) => [s.name, s.steps, s.batch, s.trained, s.optimizerSlots])).toEqual([
      ['eval', 3, 1, null, 0],
    ]);
    expect(counted.checkpointBytes + counted.exportBytes + counted.teacherCacheBytes).toBe(0);
    const paper = planCsnetReleased(cfg, planContext({ backendLabel: 't', dataDir: '', countRoot: null, costs }));
    expect(paper.stages[0].steps).toBe(5019 + 1000 + 4447 + 5168 + 850);
  });
});
