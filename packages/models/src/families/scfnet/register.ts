import type { Rng } from '@kd/core';
import { defineModel } from '../../define-model.ts';
import { initMbv3Backbone } from './imagenet-backbone.ts';
import { Scfnet } from './scfnet.ts';

export const SCFNET_MODELS = {
  'scfnet-mbv3-x0.5': defineModel(
    'SCFNet student: MobileNetV3-L ×0.5 (weights: imagenet|none|FILE, recorded in weightsInit; unset = imagenet when the shared file exists), C=16, 788,298 params',
    ({ rng, weights }) => {
      const m = new Scfnet('scfnet-mbv3-x0.5', rng, { backbone: 'mbv3-x0.5', channels: 16 });
      try {
        initMbv3Backbone(m, weights);
        return m;
      } catch (e) {
        m.dispose();
        throw e;
      }
    },
  ),
  'scfnet-r50': defineModel(
    'SCFNet teacher: ResNet-50 trunk, C=64 (26,093,508 params; 26.15M with BN statistics); options backboneWidth, channels for CPU-sized runs',
    ({ rng, backboneWidth, channels }: { rng: Rng; backboneWidth?: number; channels?: number }) =>
      new Scfnet('scfnet-r50', rng, { backbone: 'r50', channels: channels ?? 64, backboneWidth: backboneWidth ?? 1 }),
  ),
};
