import { Registry, type Config } from '@kd/core';
import type { ResultRow } from '@kd/bench';
import type { TermSpec } from '../terms/term-spec.ts';
import { csnetDwdRecipe, type CsnetDwdConfig } from './sod/csnet-dwd-recipe.ts';
import { csnetReleasedRecipe, type CsnetReleasedConfig } from './sod/csnet-released-recipe.ts';
import type { DetSweepConfig } from './det/det-config.ts';
import { detRecipe } from './det/det-recipe.ts';
import type { RunContext } from './run-context.ts';
import { segRecipe, type SegSweepConfig } from './seg/seg-recipe.ts';
import { sodRecipe, type SodSweepConfig } from './sod/sod-recipe.ts';

/**
 * How one run of a sweep trains and scores: the experiment declares the config and the terms
 * (plain data), the recipe does the rest (data, models, teacher, the one trainer, evaluation).
 */
export type Recipe = (cfg: Config, run: RunContext, terms: readonly TermSpec[]) => Promise<ResultRow>;

/** The recipes by name: a declaration's `recipe` value. */
export const RECIPES = new Registry<Recipe>('recipe');
RECIPES.register(
  'seg',
  (c, r, t) => segRecipe(c as SegSweepConfig, r, t),
  'segmentation: teacher row or student with CE + terms (Cityscapes layout)',
);
RECIPES.register(
  'sod',
  (c, r, t) => sodRecipe(c as SodSweepConfig, r, t),
  'SOD: teacher row, student on labels, or KD student on unlabeled images',
);
RECIPES.register(
  'csnet-dwd',
  (c, r) => csnetDwdRecipe(c as CsnetDwdConfig, r),
  'CSNet: BCE or BCE + dynamic weight decay, BN recalibration, pruning',
);
RECIPES.register(
  'csnet-released',
  (c, r) => csnetReleasedRecipe(c as CsnetReleasedConfig, r),
  'CSNet released checkpoints: the official test pipeline on every SOD benchmark, SalMetric + KD-SCFNet toolbox',
);
RECIPES.register(
  'det',
  (c, r, t) => detRecipe(c as DetSweepConfig, r, t),
  'detection: chance row, YOLOX teacher row, or student with its objective + terms',
);

/** The names a declaration may use. */
export type RecipeName = 'seg' | 'sod' | 'csnet-dwd' | 'csnet-released' | 'det';
