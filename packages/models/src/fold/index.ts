export { foldBatchNorm } from './fold-batch-norm.ts';
export { fuseElementwise } from './fuse-elementwise.ts';
export { InferenceGraph, type InferenceGraphOptions } from './inference-graph.ts';
