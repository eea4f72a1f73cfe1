/** A model as the plan builds it: registry name, build options (no rng) and the input size [H, W]. */
export interface ModelRef {
  name: string;
  opts: Record<string, number | string | boolean>;
  size: [number, number];
}

/** Identity of a ModelRef (memo key of its costs and its probe). */
export const modelKey = (m: ModelRef): string => `${m.name}|${JSON.stringify(m.opts)}|${m.size[0]}x${m.size[1]}`;

/**
 * One stage of a run as planned: `steps` batches of `batch` images at `inputSize` (NHWC input
 * [batch, H, W, 3]). `trained` takes forward + backward (3 passes), every `frozen` model one
 * forward pass (a KD teacher, a BN-recalibration forward). trainFlops = imagesSeen · 2 ·
 * (3·MACs(trained) + Σ MACs(frozen)).
 */
export interface StagePlan {
  name: string;
  steps: number;
  batch: number;
  imagesSeen: number;
  inputSize: [number, number];
  /** The model the stage is about (the trained one, else the forwarded one). */
  model: string;
  trainFlops: number;
  trained: ModelRef | null;
  frozen: ModelRef[];
  /** Optimizer state per trained parameter: Adam 2, SGD with momentum 1, plain SGD 0. */
  optimizerSlots: number;
}

/**
 * What one run will cost, computed from its resolved config without training. Bytes are float32
 * (4 per scalar). `estSeconds` is null without a measured probe.
 */
export interface RunPlan {
  stages: StagePlan[];
  trainFlops: number;
  /** max over stages: params + grads + optimizer state of the trained model, frozen models, activations × batch. */
  peakMemoryBytes: number;
  /** 2 kept checkpoints × (params + buffers + optimizer state) of the largest trained stage. */
  checkpointBytes: number;
  /** params + buffers of every model the run saves (student export, a newly trained teacher). */
  exportBytes: number;
  /** New bytes this run writes into the teacher-output cache (0 when the cache is off). */
  teacherCacheBytes: number;
  estSeconds: number | null;
}

/** Disk the run needs: checkpoints + exports + teacher cache. */
export const diskBytes = (p: RunPlan): number => p.checkpointBytes + p.exportBytes + p.teacherCacheBytes;

/** Optimizer slots per parameter for an optimizer spec's kind and momentum. */
export const optimizerSlots = (kind: 'adam' | 'sgd', momentum = 0): number =>
  kind === 'adam' ? 2 : momentum > 0 ? 1 : 0;
