export * from './sod-arrays.ts';
export * from './sod-batch.ts';
export * from './progress.ts';
export * from './fit-sod.ts';
export * from './evaluate-sod.ts';
