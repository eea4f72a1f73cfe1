import { UsageError } from '@kd/core';
import { registerModel, type ModelOptions } from '../registry.ts';
import { CSNET_L_X1, CSNET_L_X2, baseConfig, type CsnetConfig } from './config.ts';
import { Csnet } from './csnet.ts';

/** A `config` option (e.g. a pruned model's widths, as `saveModel` records it) overrides the table. */
function configOf(opts: ModelOptions, fallback: CsnetConfig): CsnetConfig {
  if (opts.config === undefined) return fallback;
  if (typeof opts.config !== 'object' || opts.config === null) throw new UsageError(`csnet: option 'config' must be a CsnetConfig object`);
  return opts.config as CsnetConfig;
}

registerModel('csnet-l-x1', (o) => new Csnet('csnet-l-x1', o.rng, configOf(o, CSNET_L_X1)), 'CSNet learned widths ×1 (released csnet-L-x1), 93,647 params');
registerModel('csnet-l-x2', (o) => new Csnet('csnet-l-x2', o.rng, configOf(o, CSNET_L_X2)), 'CSNet learned widths ×2 (released csnet-L-x2), 140,894 params');
registerModel('csnet-x1-base', (o) => new Csnet('csnet-x1-base', o.rng, configOf(o, baseConfig(20))), 'CSNet un-pruned base width 20 (train with dynamic weight decay, then prune)');
registerModel('csnet-x2-base', (o) => new Csnet('csnet-x2-base', o.rng, configOf(o, baseConfig(40))), 'CSNet un-pruned base width 40');
