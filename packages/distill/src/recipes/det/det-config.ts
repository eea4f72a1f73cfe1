/** The config keys of the detection recipe (ablation-fsd's declaration sets them; `--set` overrides them). */
export interface DetSweepConfig {
  [key: string]: string | number | boolean;
  /** `chance` (random boxes), `teacher`, or `student` (no KD without terms). */
  role: string;
  dataset: string;
  /** Scenes of the synthetic COCO twin: `fall2` (default) or `cluttered8` (see synthCocoDataset). */
  twin: string;
  size: number;
  n_train: number;
  batch: number;
  lr: number;
  teacher: string;
  teacher_width: number;
  teacher_epochs: number;
  /** Seed of the one teacher every student seed distils from. */
  teacher_seed: number;
  student: string;
  student_width: number;
  student_epochs: number;
  /** '' = train the teacher; a .safetensors (kdlab or Megvii names) or a saveModel folder = load it instead (docs/weights.md#weights-in-sweeps). */
  teacher_weights: string;
  /** The trained teacher's `weights` option: none | imagenet | FILE (YOLOX has none: only `none`). */
  teacher_backbone_weights: string;
  /** The student's `weights` option: none | imagenet | FILE (YOLOX has none: only `none`). */
  student_backbone_weights: string;
}
