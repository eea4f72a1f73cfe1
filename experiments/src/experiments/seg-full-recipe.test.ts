import { describe, expect, it } from 'vitest';
import { optimizerOf, segFormat, segTrainAugment, type SegSweepConfig } from '@kd/distill';
import { expandSweep, type SweepExperiment } from '@kd/sweep';
import { ablationBcd } from './ablation-bcd.ts';
import { ablationKa } from './ablation-ka.ts';
import { kdZoo } from './kd-zoo.ts';
import { SEG_FULL_VOC } from './seg-defaults.ts';

type Value = string | number | boolean;
/** A recipe value and where it comes from (METHODS section and the paper / code it cites). */
type Recipe = Record<string, [Value, string]>;

/** The Cityscapes protocol every segmentation table's full profile shares (METHODS §4.3, §6). */
const CITYSCAPES: Recipe = {
  data: ['cityscapes', '§6: gtFine train (2,975) → val (500), under --data-root'],
  dataset: ['cityscapes', '§6: 19 trainIds, the rest 255'],
  width: [1024, '§6 CIRKD: crop 512×1024'],
  height: [512, '§6 CIRKD: crop 512×1024'],
  aug: ['scale-crop', '§6 CIRKD: random scale, crop, pad the label with ignore, flip'],
  scale_min: [0.5, '§6 CIRKD: scale {0.5, …, 2.0}; §4.3 KA: scale jitter'],
  scale_max: [2, '§6 CIRKD: scale {0.5, …, 2.0}'],
  eval: ['whole', '§6 / issue 17: full resolution 1024×2048, single scale'],
  batch: [16, '§4.3 KA: batch 16; §6 CIRKD: batch 16'],
  optimizer: ['sgd', '§4.3 KA and §6 CIRKD: SGD momentum 0.9, poly 0.9'],
  student_width: [1, 'the real networks'],
  teacher_width: [1, 'the real networks'],
  teacher_backbone_weights: ['imagenet', '§4.1/§6: ImageNet-pretrained ResNet trunks'],
  student_backbone_weights: ['imagenet', '§4.1 KA: MobileNetV2 (ImageNet); CIRKD R18 (ImageNet)'],
  teacher_weights: ['', 'trained here unless a user checkpoint is given'],
  teacher_cache: [false, 'issue 17: off or bounded (a 512×1024 batch of teacher outputs is ~1 GB)'],
};

/** BCD's pair and schedule: CIRKD's protocol (§3 "likely protocol [inferred]", §6, §7 item 5). */
const BCD: Recipe = {
  ...CITYSCAPES,
  teacher: ['deeplabv3-r101', '§3/§7.5: DeepLabV3-R101 teacher'],
  student: ['deeplabv3-r18', '§3/§7.5: DeepLabV3-R18 student'],
  lr: [0.02, '§6 CIRKD: lr 0.02'],
  weight_decay: [1e-4, '§6 CIRKD: wd 1e-4'],
  iters: [40000, '§6 CIRKD: 40k iterations'],
  teacher_iters: [40000, 'CIRKD ships a trained teacher; trained here with the student recipe'],
};

/** Knowledge Adaptation on Cityscapes (§4.1–§4.3). */
const KA: Recipe = {
  ...CITYSCAPES,
  teacher: ['deeplabv3plus-r50', '§4.1: DeepLabV3+ ResNet-50 teacher'],
  lr: [0.007, '§4.3: lr 0.007'],
  weight_decay: [4e-5, '§4.3: wd 4e-5'],
  iters: [90000, '§4.3: 90K iterations on train_fine'],
  teacher_iters: [90000, '§4.3: teacher 90K iterations (no COCO for Cityscapes)'],
  ae_epochs: [1, '§4.3: autoencoder 1 epoch'],
  ae_lr: [0.1, '§4.3: autoencoder lr 0.1'],
  beta: [50, '§4.2: β = 50'],
  gamma: [1, '§4.2: γ = 1'],
};

/** Knowledge Adaptation on VOC 2012 (§4.3, §6) = KA with SEG_FULL_VOC. */
const KA_VOC: Recipe = {
  ...KA,
  data: ['VOCdevkit/VOC2012', '§6: JPEGImages + SegmentationClass(Aug)'],
  dataset: ['voc', '§6: 21 classes, 255 void'],
  width: [512, "DeepLab's 513 crop, rounded to the students' input multiple 32"],
  height: [512, "DeepLab's 513 crop, rounded to the students' input multiple 32"],
  iters: [30000, '§4.3: 30K iterations on VOC train_aug'],
  teacher_iters: [30000, '§4.3: 30K on train_aug (the 300K COCO pretraining is not reproduced)'],
};

const resolve = (exp: SweepExperiment, variant: string, overrides: Record<string, Value> = {}, at?: string) => {
  const specs = expandSweep(exp, { profile: 'full', seeds: [1], overrides, backendLabel: 'check' });
  const s = specs.find((x) => x.variant === variant && (!at || (x.config as { student: string }).student === at));
  if (!s) throw new Error(`${exp.name}: no full run '${variant}'${at ? ` at ${at}` : ''}`);
  return s.config as unknown as SegSweepConfig & Record<string, Value>;
};

const CASES: [string, SweepExperiment, string, Recipe, Record<string, Value>, string?][] = [
  ['ablation-bcd (Cityscapes)', ablationBcd as SweepExperiment, '+ BD + CD', BCD, {}],
  ['kd-zoo (Cityscapes)', kdZoo as SweepExperiment, 'BCD (KL + BD + CD)', BCD, {}],
  ['ablation-ka (Cityscapes, OS16)', ablationKa as SweepExperiment, 'adaptation + affinity', KA, {}, 'fcn-mbv2-os16'],
  [
    'ablation-ka (VOC 2012, OS16)',
    ablationKa as SweepExperiment,
    'adaptation + affinity',
    KA_VOC,
    SEG_FULL_VOC as Record<string, Value>,
    'fcn-mbv2-os16',
  ],
];

describe.each(CASES)('%s full profile = the recipe table, key by key', (_, exp, variant, recipe, overrides, at) => {
  const cfg = resolve(exp, variant, overrides, at);
  it.each(Object.keys(recipe))('%s', (k) => {
    expect(Object.hasOwn(cfg, k), `${k} is not a config key`).toBe(true);
    expect(cfg[k], recipe[k][1]).toBe(recipe[k][0]);
  });

  it('SGD momentum 0.9 with the poly schedule; the crop augmentation is 512×1024 (or 512²) after scales 0.5…2.0 by 0.1', () => {
    expect(optimizerOf(cfg)).toMatchObject({ kind: 'sgd', momentum: 0.9, schedule: 'poly' });
    const aug = segTrainAugment(cfg);
    expect(aug.crop).toEqual({ kind: 'fixed', width: recipe.width[0], height: recipe.height[0] });
    expect(aug.flip).toEqual({ horizontal: 0.5, vertical: 0 });
    expect((aug.scale as { scales: number[] }).scales).toEqual([
      0.5, 0.6, 0.7, 0.8, 0.9, 1, 1.1, 1.2, 1.3, 1.4, 1.5, 1.6, 1.7, 1.8, 1.9, 2,
    ]);
  });

  it('classes as the dataset says (Cityscapes 19, VOC 21)', () => {
    expect(segFormat(cfg, null).numClasses).toBe(cfg.dataset === 'voc' ? 21 : 19);
  });
});

describe('the students of the full tables', () => {
  it('ablation-ka: MobileNetV2 FCN at output strides 8, 16 and 32, each from ImageNet', () => {
    const specs = expandSweep(ablationKa as SweepExperiment, {
      profile: 'full',
      seeds: [1],
      overrides: {},
      backendLabel: 'check',
    });
    const students = [...new Set(specs.filter((s) => s.variant !== 'teacher').map((s) => s.config.student))];
    expect(students).toEqual(['fcn-mbv2-os8', 'fcn-mbv2-os16', 'fcn-mbv2-os32']);
  });

  it('paper numbers beside ours: KA 70.2 → 72.7 (Cityscapes test, OS16)', () => {
    expect(ablationKa.paper).toEqual({ 'no KD': { mIoU: 0.702 }, 'adaptation + affinity': { mIoU: 0.727 } });
  });
});
