import { Registry, UsageError } from '@kd/core';
import type { Loss, LossDefinition, PairInputs } from './define-loss.ts';
import { attentionTransferDef } from './kd/feature/attention-transfer.ts';
import { fitnetDef } from './kd/feature/fitnet.ts';
import { cwdDef } from './kd/logits/cwd.ts';
import { distDef } from './kd/logits/dist.ts';
import { pixelKlDef } from './kd/logits/pixel-kl.ts';
import { pairwiseDef } from './kd/relation/pairwise.ts';
import { bcdBoundaryDef } from './seeds/bcd/bcd-boundary.ts';
import { bcdContextDef } from './seeds/bcd/bcd-context.ts';
import { bcdDef } from './seeds/bcd/bcd.ts';
import { csnetDef } from './seeds/csnet/dynamic-weight-decay.ts';
import { fsdDef } from './seeds/fsd/fsd.ts';
import { kaAdaptationDef } from './seeds/ka/ka-adaptation.ts';
import { kaAffinityDef } from './seeds/ka/ka-affinity.ts';
import { kaDef } from './seeds/ka/knowledge-adaptation.ts';
import { scfnetSupervisedDef } from './seeds/scfnet/scfnet-supervised.ts';
import { softDiceKdDef } from './seeds/scfnet/soft-dice-kd.ts';
import { bceDiceDef } from './task/bce-dice.ts';
import { crossEntropyDef } from './task/cross-entropy.ts';
import { softDiceDef } from './task/soft-dice.ts';

/** Every registered loss: one line each. The name union and the typed catalog derive from this list. */
export const LOSSES = [
  pixelKlDef,
  cwdDef,
  pairwiseDef,
  fitnetDef,
  attentionTransferDef,
  softDiceKdDef,
  scfnetSupervisedDef,
  csnetDef,
  kaAdaptationDef,
  kaAffinityDef,
  kaDef,
  bcdBoundaryDef,
  bcdContextDef,
  bcdDef,
  fsdDef,
  distDef,
  crossEntropyDef,
  softDiceDef,
  bceDiceDef,
] as const;

type Def = (typeof LOSSES)[number];

/** Every registered loss: its options and its typed inputs. `createLoss` is typed from this. */
export type LossCatalog = {
  [D in Def as D['name']]: D extends LossDefinition<string, infer I, infer O> ? { options: O; inputs: I } : never;
};
export type LossName = keyof LossCatalog;
export type LossOptions<K extends LossName> = LossCatalog[K]['options'];
export type LossInputs<K extends LossName> = LossCatalog[K]['inputs'];

/** Names of the losses whose inputs are exactly one (student, teacher) pair. */
export type PairLossName = {
  [K in LossName]: LossInputs<K> extends PairInputs ? (PairInputs extends LossInputs<K> ? K : never) : never;
}[LossName];

const registry = new Registry<LossDefinition<string, unknown, unknown>>('loss');
for (const d of LOSSES) registry.register(d.name, d as LossDefinition<string, unknown, unknown>, d.doc);

/**
 * Builds a registered loss by name, typed by `LossCatalog`. Unknown names throw a UsageError
 * listing the nearest names.
 *
 * @example
 *   const kl = createLoss('pixel-kl', { T: 4 });
 *   const value = kl.compute({ student: sLogits, teacher: tLogits });
 */
export function createLoss<K extends LossName>(name: K, options?: LossOptions<K>): Loss<LossInputs<K>> {
  return registry.get(name).create(options ?? {}) as Loss<LossInputs<K>>;
}

/** The definition of a registered loss (inputs, options with their docs, example) by name. */
export function lossDefinition(name: string): LossDefinition<string, unknown, unknown> {
  return registry.get(name);
}

/** Registered loss names, sorted, optionally filtered by a glob (`'bcd*'`). */
export function listLosses(glob = '*'): string[] {
  return registry.list(glob);
}

/** One-line description of a registered loss. */
export function describeLoss(name: string): string {
  registry.get(name);
  return registry.describe(name);
}

/** Names of the losses whose inputs are one (student, teacher) pair. */
export function listPairLosses(): string[] {
  return registry.list().filter((n) => registry.get(n).pair);
}

/**
 * Builds a loss from a runtime string (CLI, configs) that must take a (student, teacher) pair.
 * Throws a UsageError for unknown names and for losses with other inputs.
 */
export function createPairLoss(name: string, options: Record<string, unknown> = {}): Loss<PairInputs> {
  const def = registry.get(name);
  if (!def.pair) {
    throw new UsageError(
      `loss '${name}' does not take a single (student, teacher) pair; pair losses: ${listPairLosses().join(', ')}`,
    );
  }
  return def.create(options) as Loss<PairInputs>;
}
