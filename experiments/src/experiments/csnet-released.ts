import { csnetReleasedMetrics, type CsnetReleasedConfig } from '@kd/distill';
import type { SweepExperiment } from '@kd/sweep';
import { registerSweep } from '../sweep/register-sweep.ts';

const BENCHMARKS = 'DUTS-TE,ECSSD,HKU-IS,DUT-OMRON,PASCAL-S';

const defaults: CsnetReleasedConfig = {
  model: 'csnet-l-x1',
  // User-supplied: the released csnet-L-x1/x2 checkpoints as safetensors (docs/weights.md). No default path.
  weights_x1: '',
  weights_x2: '',
  benchmarks: BENCHMARKS,
  size: 224,
};

const benchmarks = BENCHMARKS.split(',');
const metrics = csnetReleasedMetrics(benchmarks);
const lead = [{ key: 'variant', label: 'model' }, { key: 'weights' }, { key: 'params', digits: 0 }];
const digits = Object.fromEntries(metrics.map((m) => [m, 3]));

/**
 * The released CSNet checkpoints scored (docs/methods/csnet.md#released-checkpoints): no training,
 * one row per checkpoint, each benchmark under --data-root in both conventions — SalMetric, CSNet's own
 * (`<B>_MAE|maxF|meanF`), and the KD-SCFNet toolbox (`<B>_tb_MAE|maxF|meanF|S|E`) — after CSNet's
 * official test pipeline (224² skimage resize, σ, skimage resize back, ×255 truncated to uint8).
 *
 * Why a sweep with one seed: evaluation is deterministic (no seed enters it), so seeds would repeat
 * the same numbers; the sweep still gives each checkpoint its own resumable run, the CSV/Markdown
 * tables, provenance and `--smoke`. The profiles are equal (there is nothing to scale down).
 */
export const csnetReleased: SweepExperiment<CsnetReleasedConfig> = {
  name: 'csnet-released',
  description:
    'The released CSNet checkpoints (csnet-L-x1/x2) on every SOD benchmark found, official test pipeline, SalMetric + KD-SCFNet toolbox',
  defaults,
  profiles: { quick: {}, full: {} },
  variants: [
    { label: 'CSNet-L ×1 (released)', set: { model: 'csnet-l-x1' } },
    { label: 'CSNet-L ×2 (released)', set: { model: 'csnet-l-x2' } },
  ],
  defaultSeeds: 1,
  groupBy: ['model', 'weights'],
  metrics: ['params', ...metrics],
  digits: { params: 0, ...digits },
  // The CSNet paper's layout: model rows, a column group per benchmark (those not found are left out).
  groupedTables: [
    {
      title: "SalMetric (CSNet's convention): MAE / max-F / mean-F",
      lead,
      groups: benchmarks.map((b) => ({ label: b, keys: [`${b}_MAE`, `${b}_maxF`, `${b}_meanF`] })),
      metricLabels: ['MAE', 'maxF', 'meanF'],
    },
    {
      title: 'KD-SCFNet toolbox: MAE / max-F / mean-F / S / adaptive E',
      lead,
      groups: benchmarks.map((b) => ({
        label: b,
        keys: ['tb_MAE', 'tb_maxF', 'tb_meanF', 'tb_S', 'tb_E'].map((m) => `${b}_${m}`),
      })),
      metricLabels: ['MAE', 'maxF', 'meanF', 'S', 'E'],
    },
  ],
  note:
    'Numbers are ours, re-measured from the released weights (CSNet paper tables were not retrievable, METHODS §2.6). ' +
    '`<B>_MAE/maxF/meanF`: SalMetric (raw 8-bit maps, strict > at integer thresholds, gt > 128, MAE/255); ' +
    '`<B>_tb_*`: the KD-SCFNet toolbox (per-image min–max, gt ≥ 0.5, 256 thresholds, P/R averaged before F; S = Eval_Smeasure, E = adaptive E-measure). ' +
    'A row with weights `none` had no checkpoint (`--set weights_x1=FILE` / `weights_x2=FILE`); benchmarks not found under --data-root are empty (the run prints which were found).',
  recipe: 'csnet-released',
};

registerSweep(csnetReleased);
