export * from './sod/prepare.ts';
export * from './sod/mae.ts';
export * from './sod/f-measure.ts';
export * from './sod/sod-evaluator.ts';
