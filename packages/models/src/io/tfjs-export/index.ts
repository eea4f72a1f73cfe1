export { traceForward, type Trace, type TracedNode, type TracedConst, type TraceRef } from './trace-forward.ts';
export { buildGraph, type BuiltGraph, type GraphWeight } from './build-graph.ts';
export { KERNEL_TO_TF } from './kernel-to-tf.ts';
export {
  graphModelArtifacts,
  graphModelJson,
  writeGraphModel,
  loadGraphArtifacts,
  type GraphModelArtifacts,
  type ExportMetadata,
} from './export-graph-model.ts';
