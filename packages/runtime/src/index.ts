export * from './backend.ts';
export * from './leak.ts';
export { registerWasmGradKernels } from './wasm-grad/register.ts';
export { INFERENCE_KERNELS, inferenceKernelUsable, registerInferenceKernels } from './infer-kernels.ts';
export { ADAM_KERNEL, adamKernelUsable, adamUpdate, type AdamHyper, type AdamItem } from './adam-kernel.ts';
export { nativeTrainKernels, setTrainKernelsEnabled } from './wasm-grad/train-kernels.ts';
export { nativeKernels, setNativeKernelsEnabled } from './wasm-kernels/native.ts';
export { resizeBilinear, resizeBilinearBackward, interpMatrix } from './ops/resize-bilinear.ts';
export {
  dilatedConv2d,
  dilatedDepthwiseConv2d,
  dilatedConv2dValid,
  dilatedDepthwiseConv2dValid,
} from './ops/dilated-conv.ts';
export { batchNormPreluTrain, batchNormTrain } from './ops/batch-norm-train.ts';
export { prelu } from './ops/prelu.ts';
export { avgPoolK, maxPoolK } from './ops/pool.ts';
export { useBackend, maxAbsDiff } from './testing.ts';
