export * from './det-batch.ts';
export * from './evaluate-detector.ts';
export * from './chance-detector.ts';
