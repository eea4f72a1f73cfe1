import { registerModel } from '../registry.ts';
import { TinySod } from './tiny-sod.ts';

registerModel('tinysod-s', ({ rng }) => new TinySod('tinysod-s', rng, 8), 'TinySOD width 8 (quickstart student, ~0.1M params)');
registerModel('tinysod-l', ({ rng }) => new TinySod('tinysod-l', rng, 24), 'TinySOD width 24 (quickstart teacher, ~1M params)');
