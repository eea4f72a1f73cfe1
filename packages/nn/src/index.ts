export * from './module.ts';
export * from './init.ts';
export * from './activations.ts';
export * from './conv2d.ts';
export * from './batch-norm.ts';
export * from './taps.ts';
export * from './op-counter.ts';
