import { Registry, type Config } from '@kd/core';
import type { TermSpec } from '../../terms/term-spec.ts';
import type { CsnetDwdConfig } from '../sod/csnet-dwd-recipe.ts';
import type { CsnetReleasedConfig } from '../sod/csnet-released-recipe.ts';
import type { DetSweepConfig } from '../det/det-config.ts';
import type { SegSweepConfig } from '../seg/seg-recipe.ts';
import type { SodSweepConfig } from '../sod/sod-recipe.ts';
import type { PlanContext } from './plan-context.ts';
import { planCsnetDwd } from './plan-csnet-dwd.ts';
import { planCsnetReleased } from './plan-csnet-released.ts';
import { planDet } from './plan-det.ts';
import { planSeg } from './plan-seg.ts';
import { planSod } from './plan-sod.ts';
import type { RunPlan } from './run-plan.ts';

/** Plans one run of a recipe from its resolved config and terms, without training (`ctx.seed` = the run's seed). */
export type RecipePlan = (cfg: Config, ctx: PlanContext, terms: readonly TermSpec[]) => RunPlan;

/** A plan function per recipe name, beside `RECIPES`. */
export const RECIPE_PLANS = new Registry<RecipePlan>('recipe plan');
RECIPE_PLANS.register(
  'seg',
  (c, x, t) => planSeg(c as SegSweepConfig, x, t),
  'teacher once per key, KA pre-stages, student',
);
RECIPE_PLANS.register(
  'sod',
  (c, x, t) => planSod(c as SodSweepConfig, x, t),
  'teacher once per key, student on labels or KD on unlabeled images',
);
RECIPE_PLANS.register(
  'csnet-dwd',
  (c, x) => planCsnetDwd(c as CsnetDwdConfig, x),
  'student, BN recalibration (twice with pruning)',
);
RECIPE_PLANS.register(
  'csnet-released',
  (c, x) => planCsnetReleased(c as CsnetReleasedConfig, x),
  'one forward per benchmark image (no training)',
);
RECIPE_PLANS.register(
  'det',
  (c, x, t) => planDet(c as DetSweepConfig, x, t),
  'YOLOX teacher once per key, student (+ cached teacher taps)',
);
