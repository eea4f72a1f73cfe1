import { UsageError } from '@kd/core';
import { defineModel } from '../../define-model.ts';
import { CSNET_L_X1, CSNET_L_X2, baseConfig, type CsnetConfig } from './config.ts';
import { Csnet } from './csnet.ts';

/** A `config` option (e.g. a pruned model's widths, as `saveModel` records it) overrides the table. */
export interface CsnetBuildOptions {
  config?: CsnetConfig;
}

function configOf(config: unknown, fallback: () => CsnetConfig): CsnetConfig {
  if (config === undefined) return fallback();
  if (typeof config !== 'object' || config === null)
    throw new UsageError(`csnet: option 'config' must be a CsnetConfig object`);
  return config as CsnetConfig;
}

const csnet = (name: string, fallback: () => CsnetConfig, description: string) =>
  defineModel<CsnetBuildOptions, Csnet>(description, (o) => new Csnet(name, o.rng, configOf(o.config, fallback)));

export const CSNET_MODELS = {
  'csnet-l-x1': csnet('csnet-l-x1', () => CSNET_L_X1, 'CSNet learned widths ×1 (released csnet-L-x1), 93,647 params'),
  'csnet-l-x2': csnet('csnet-l-x2', () => CSNET_L_X2, 'CSNet learned widths ×2 (released csnet-L-x2), 140,894 params'),
  'csnet-x1-base': csnet(
    'csnet-x1-base',
    () => baseConfig(20),
    'CSNet un-pruned base width 20 (train with dynamic weight decay, then prune)',
  ),
  'csnet-x2-base': csnet('csnet-x2-base', () => baseConfig(40), 'CSNet un-pruned base width 40'),
};
