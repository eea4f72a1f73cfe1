import { describeConfigKeys } from '@kd/core';

/**
 * One-line meanings of the `--set` keys, shown by `pnpm exp run <name> --help` (read from the
 * experiment declarations and the code they call). Shared keys first; an experiment that reads a
 * key differently, or has keys of its own, declares them with its name.
 */
describeConfigKeys({
  role: 'which row to run: teacher, student (no KD unless a KD weight is set), kd, chance',
  data: "'synthetic' (generated, seeded) or a dataset folder relative to --data-root",
  unlabeled: "unlabeled images for KD: 'synthetic' or a KD-SOD80K-layout folder relative to --data-root",
  size: 'square training/evaluation input size in pixels',
  width: 'input width in pixels',
  height: 'input height in pixels',
  n_train: 'training images (synthetic sets: generated count; test split = n_train/4 where generated)',
  n_test: 'test images generated',
  n_unlabeled: 'unlabeled images generated for KD',
  batch: 'batch size',
  workers: 'data-loader worker threads (0 = in the main thread)',
  model: 'registered model of the row (see `pnpm exp predict --help` for names)',
  student: 'registered student model',
  student_width: 'student channel-width multiplier',
  teacher: 'registered teacher model',
  teacher_width: 'teacher backbone channel-width multiplier',
  teacher_channels: 'teacher decoder channels C (SCFNet: 16 student, 64 paper teacher)',
  teacher_epochs: 'teacher training epochs (the teacher is trained once and shared by every row)',
  epochs: 'student training epochs',
  kd_epochs: 'epochs of the distilled student',
  student_epochs: 'student training epochs',
  optimizer: 'adam or sgd (momentum 0.9); poly learning-rate decay',
  lr: 'learning rate',
  weight_decay: 'coupled L2 weight decay',
  adam_beta2: 'Adam β2',
  loss: 'task loss: scfnet (dice + boundary dice, outputs weighted 1, ½, ¼, ⅛), bce, or csnet-dwd (BCE + dynamic weight decay)',
  teacher_cache: 'cache teacher outputs on disk per batch (worth it for expensive teachers)',
  hflip: 'horizontal flip probability',
  teacher_weights: "'' (train the teacher) or a .safetensors file / saveModel folder to load it from (docs/weights.md)",
  teacher_backbone_weights: "init of a trained teacher's backbone: none, imagenet or a .safetensors file",
  student_backbone_weights: "init of the student's backbone: none, imagenet or a .safetensors file",
  twin: 'synthetic COCO twin scenes: fall2 (2 colour-coded classes) or cluttered8 (8 classes sharing hues, clutter, occlusion)',
});

/** Keys of the segmentation recipe (seg-recipe.ts) shared by the three segmentation tables. */
const SEG_KEYS = {
  dataset:
    'segmentation dataset format: cityscapes (19 trainIds) or voc (VOC 2012, 21 classes; SBD train_aug when present)',
  aug: 'training augmentation: resize (to width×height) or scale-crop (random scale, width×height crop padded with ignore); both flip',
  scale_min: 'scale-crop: smallest random scale (steps of 0.1 up to scale_max; the papers 0.5)',
  scale_max: 'scale-crop: largest random scale (the papers 2.0)',
  eval: 'evaluation: resize (to width×height), whole (own resolution, padded) or slide (width×height windows at 2/3 stride)',
  iters: "student iterations (the papers' unit; rounded to whole epochs); 0 = use epochs",
  teacher_iters: 'teacher iterations (rounded to whole epochs); 0 = use teacher_epochs',
};
for (const name of ['ablation-bcd', 'ablation-ka', 'kd-zoo']) describeConfigKeys(SEG_KEYS, name);

/** The synthetic Cityscapes twin and the shared teacher of the three segmentation tables (issue 17). */
for (const name of ['ablation-bcd', 'ablation-ka', 'kd-zoo'])
  describeConfigKeys(
    {
      twin: 'synthetic Cityscapes twin: classic (a colour per class) or objects (shared hues; shape, texture, context)',
      n_val: 'validation frames of the synthetic twin (0 = n_train/4)',
      teacher_seed:
        'seed of the one teacher every student seed (and every segmentation table) distils from (0 = each run trains its own)',
    },
    name,
  );

describeConfigKeys(
  {
    kd: 'weight λ_kd of pixel-wise KL on the logits (T = 1); 0 = off',
    bd: 'weight λ_bd of boundary distillation (two stages); 0 = off',
    cd: 'weight λ_cd of context distillation (last features); 0 = off',
    tau_c: 'temperature τ_c of the context self-relation softmax',
  },
  'ablation-bcd',
);

describeConfigKeys(
  {
    beta: 'weight β of the adaptation loss (paper 50); 0 = off',
    gamma: 'weight γ of the affinity loss (paper 1); 0 = off',
    ae_epochs: 'epochs of stage 1 (autoencoder on the teacher features)',
    ae_lr: 'learning rate of stage 1 (autoencoder)',
  },
  'ablation-ka',
);

describeConfigKeys(
  {
    method:
      'distillation: none, fitnet, at, bcd, ka, or any registered pair loss on the logits at weight 1 (pixel-kl, cwd, pairwise, dist, …)',
  },
  'kd-zoo',
);

describeConfigKeys(
  {
    prune_threshold: 'after training prune channels with |γ| below this (official 1e-20); ≤ 0 = no pruning',
    bn_recal_batches: 'train-mode forwards refreshing BN statistics before evaluation; 0 = off',
    weight_decay: 'coupled Adam weight decay on all parameters except the γ no_decay_filter exempts (official 5e-3)',
    fixed_width: "uniform base width b > 0: CSNet's un-pruned layout at width b instead of `model`; 0 = off",
    base_model: 'the un-pruned model param_reduction is measured against (csnet-x1-base or csnet-x2-base)',
    lr_schedule: 'multistep (official MultiStepLR ×0.1 at ⅔ and ⅚ of the run: epochs 200, 250 of 300) or constant',
    no_decay_filter:
      'γ without weight decay: intended (conv1x1/conv3x3_1/conv3x3_2) or literal (the code: conv1x1/conv3x3_1)',
    adam_eps: 'Adam ε (official 1e-8)',
    augment: 'train augmentation: csnet (official border crop 0–14/1–15 px + p 0.5 h-or-v flip) or kdscfnet',
    normalize: 'input normalisation: imagenet (official) or model',
    val: 'validation set: synthetic (the synthetic test split) or a folder under --data-root (official ECSSD)',
    eval_resolution: 'input (score at the input size) or original (σ resized back to each GT, official)',
    metric: 'convention of MAE/maxFm: pysod or salmetric (CSNet: SalMetric); both are always reported',
    benchmarks:
      'test benchmarks scored after training where found under --data-root: none, all (the five) or a comma list',
  },
  'csnet-dwd',
);

describeConfigKeys(
  {
    dataset:
      'coco-det or voc-det (the synthetic twin), or a real root under --data-root (VOCdevkit, a VOC year folder, or a COCO-JSON root)',
    teacher_seed: 'seed of the one teacher every student seed distils from',
    fg: 'FSD foreground KL term on',
    bg: 'FSD background KL term on',
    att: 'FSD attention L1 term on (weight 0.001)',
    rela: 'FSD GcBlock global-relation term on (weight 1e-5)',
    gaussian: "foreground mask: intended (box-centred) or literal (the official code's formula)",
    fsd_weight: 'weight of the whole FSD loss against the detection loss',
    student_width: 'student YOLOX width multiplier',
    teacher_width: 'teacher YOLOX width multiplier',
    momentum: 'SGD momentum (optimizer=sgd; the paper 0.9)',
    nesterov: 'Nesterov momentum (optimizer=sgd; the paper true)',
    norm_bias_decay: 'apply weight decay to norm layers and biases too (the paper: false)',
    warmup_epochs: 'YOLOX warm-up epochs, lr·(step/W)² from 0 (optimizer=sgd; the paper 5)',
    min_lr_ratio: 'cosine floor as a fraction of lr (the paper 0.05)',
    mosaic: 'Mosaic + RandomAffine augmentation until the no-aug epochs (the paper true)',
    mixup: 'MixUp augmentation until the no-aug epochs (the paper true)',
    no_aug_epochs: 'final epochs without Mosaic/MixUp, lr flat at the floor (the paper 15)',
    ema: "EMA momentum of the student's weights, mmdet's ExpMomentumEMAHook (0 = off; the paper 1e-4)",
    l1_final_epochs: "final epochs with YOLOX's L1 box loss added (the paper 15)",
    multiscale:
      'YOLOX multi-scale: every 10 steps a size from (size/32 ± multiscale)·32 (the paper 5: 480–800); 0 = off',
  },
  'ablation-fsd',
);

describeConfigKeys(
  {
    data: "'synthetic', 'synthetic-shift' (train in the twin's source style, test in its target style) or a KD-SCFNet-layout folder under --data-root (full: DUTS-TR)",
    unlabeled: "'synthetic', 'synthetic-shift' (target style) or a KD-SOD80K-layout folder under --data-root",
    n_test: "test images of the 'synthetic-shift' twin (0 = n_train/4)",
    teacher_seed: 'seed of the one teacher every student seed distils from (0 = each run trains its own)',
    optimizer:
      'adam (lr per adam_schedule) or sgd (KD-SCFNet: Paddle Momentum, linear warm-up then cosine, backbone lr ×backbone_lr_mult)',
    adam_schedule:
      "optimizer=adam: constant, or cosine (KD-SCFNet's lr shape: warm-up over warmup_epochs, cosine to min_lr_ratio·lr)",
    momentum: 'SGD momentum (optimizer=sgd; the paper 0.9)',
    weight_decay: 'coupled L2 weight decay, backbone BN exempt (optimizer=sgd; the paper 5e-4)',
    backbone_lr_mult: "the backbone's lr multiplier (optimizer=sgd; the paper 0.1)",
    warmup_epochs: 'linear warm-up epochs from min_lr_ratio·lr (optimizer=sgd or adam_schedule=cosine; the paper 5)',
    min_lr_ratio:
      'warm-up start and cosine floor as a fraction of lr (optimizer=sgd or adam_schedule=cosine; the paper 6.4e-4/0.064 = 0.01)',
    augment:
      "fixed (crop ≤ 1/8 + flips at size², the model's normalisation) or kdscfnet (the paper's chain, multi-scale 224–352, its normalisation)",
    test_sets:
      "comma-separated SOD benchmarks under --data-root scored with KD-SCFNet's test protocol ('' = the data folder's test split)",
  },
  'table-sod',
);

describeConfigKeys(
  {
    teacher: 'teacher model (trained on the labels)',
    student: 'student model (trained on labels alone, and distilled on unlabeled images)',
    student_epochs: 'epochs of the student trained on the labels alone',
    kd_epochs: 'epochs of the student distilled on the unlabeled images only',
  },
  'quickstart',
);

describeConfigKeys(
  {
    model: 'the released checkpoint of the row: csnet-l-x1 or csnet-l-x2',
    weights_x1:
      "the released csnet-L-x1 checkpoint as .safetensors (docs/weights.md); '' = that row reports no weights",
    weights_x2:
      "the released csnet-L-x2 checkpoint as .safetensors (docs/weights.md); '' = that row reports no weights",
    benchmarks: 'comma-separated SOD benchmark folders looked for under --data-root (KD-SCFNet or CSNet layout)',
    size: "CSNet's official test input size (224)",
  },
  'csnet-released',
);
