export * from './sanitize.ts';
export * from './det-augment.ts';
export * from './det-data.ts';
export * from './det-batch.ts';
export * from './det-plan.ts';
export * from './evaluate-detector.ts';
export * from './chance-detector.ts';
