import { registerModel } from '../registry.ts';
import { TinySod } from './tiny-sod.ts';

registerModel('tinysod-s', ({ rng }) => new TinySod('tinysod-s', rng, 8), 'TinySOD width 8 (quickstart student)');
registerModel('tinysod-l', ({ rng }) => new TinySod('tinysod-l', rng, 24), 'TinySOD width 24 (quickstart teacher)');
