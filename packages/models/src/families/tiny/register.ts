import { defineModel } from '../../define-model.ts';
import { TinySod } from './tiny-sod.ts';

export const TINY_MODELS = {
  'tinysod-s': defineModel('TinySOD width 8 (quickstart student)', ({ rng }) => new TinySod('tinysod-s', rng, 8)),
  'tinysod-l': defineModel('TinySOD width 24 (quickstart teacher)', ({ rng }) => new TinySod('tinysod-l', rng, 24)),
};
