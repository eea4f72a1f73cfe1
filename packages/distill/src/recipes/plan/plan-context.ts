import type { ModelCosts } from './model-costs.ts';

/** What every recipe's plan function shares across the runs of one sweep. */
export interface PlanContext {
  seed: number;
  /** The backend label (part of a teacher's key, as in the recipes). */
  backendLabel: string;
  /** The data folder the run would use (synthetic twins' paths are part of a teacher's key). */
  dataDir: string;
  /** The user's --data-root, where real splits are counted; null: the papers' sizes. */
  countRoot: string | null;
  costs: ModelCosts;
  /** Teacher keys trained by an earlier run of the sweep (or already stored): no teacher stage. */
  teachers: Set<string>;
  /** Teacher-output cache streams already written by earlier runs: stream id → epochs covered. */
  cached: Map<string, number>;
}

/** A fresh context for one sweep. */
export function planContext(
  o: Omit<PlanContext, 'teachers' | 'cached' | 'seed'> & { teachers?: Set<string> },
): PlanContext {
  return { ...o, seed: 1, teachers: o.teachers ?? new Set(), cached: new Map() };
}

/**
 * The weights part of a teacher's key as the recipes add it: the backbone init name, or the
 * teacher weights file (named here by its config value; the recipe uses its sha256, so a stored
 * teacher from a file is not recognised and is planned again: an over-estimate, never an under).
 */
export function teacherWeightsKey(cfg: Record<string, unknown>): Record<string, unknown> {
  const file = cfg.teacher_weights;
  if (typeof file === 'string' && file !== '' && file !== 'none') return { weights: file };
  const bb = cfg.teacher_backbone_weights;
  return typeof bb === 'string' && bb !== 'none' ? { backbone_weights: bb } : {};
}
