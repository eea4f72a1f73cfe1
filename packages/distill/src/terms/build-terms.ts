import { Registry, UsageError, type Rng } from '@kd/core';
import type { DenseModel } from '@kd/nn';
import { listPairLosses, type PairLossName } from '@kd/losses';
import { fitnetTerm } from './fitnet-term.ts';
import { fsdTerm, type FsdTermOptions } from './fsd-term.ts';
import { KA_AE_OPTIMIZER, kaTerm, type KaTermOptions } from './ka-term.ts';
import { pairTerm } from './pair-term.ts';
import { softDiceKdTerm } from './soft-dice-kd-term.ts';
import type { Term } from './term.ts';
import { tapList, type TermSpec } from './term-spec.ts';

/** What binding a term needs besides its spec: both models (tap declarations) and the run's generator. */
export interface BindContext {
  student: DenseModel;
  teacher: DenseModel;
  /** The run's root generator; a binding with learnable parts forks it by its loss name. */
  rng: Rng;
}

type Binder = (spec: TermSpec, c: BindContext) => Term;

const one = (spec: TermSpec, role: 'student' | 'teacher'): string => {
  const taps = tapList(spec[role]);
  if (taps.length !== 1)
    throw new UsageError(`term '${spec.name ?? spec.loss}': ${role} must name one tap, got [${taps.join(', ')}]`);
  return taps[0];
};

/**
 * Losses that take more than one (student, teacher) pair of taps: lists of outputs (soft dice
 * KD), connectors shaped from the tap declarations (FitNet), the batch's boxes (FSD) or a
 * pre-stage (Knowledge Adaptation). Every other pair loss binds by the default rule.
 */
const BINDERS = new Registry<Binder>('term binding');
BINDERS.register(
  'soft-dice-kd',
  (s) => softDiceKdTerm(tapList(s.student).length, s.weight ?? 1),
  'every listed student output against σ(teacher main output)',
);
BINDERS.register(
  'fitnet',
  (s, c) =>
    fitnetTerm(c.rng.fork('fitnet'), c.student, c.teacher, one(s, 'student'), one(s, 'teacher'), s.weight ?? 1, s.name),
  '1×1 connector from the tap declarations',
);
BINDERS.register(
  'fsd',
  (s, c) => {
    const tap = one(s, 'student');
    if (one(s, 'teacher') !== tap)
      throw new UsageError(
        `term fsd: student and teacher taps must be the same FPN level, got '${tap}' and '${one(s, 'teacher')}'`,
      );
    return fsdTerm(
      c.rng.fork('fsd').fork(tap),
      c.student,
      c.teacher,
      tap,
      s.weight ?? 1,
      (s.options ?? {}) as FsdTermOptions,
    );
  },
  'one FPN level; reads the batch boxes',
);
BINDERS.register(
  'ka',
  (s, c) => {
    const o = s.options as Partial<KaTermOptions> | undefined;
    const opts: KaTermOptions = {
      beta: o?.beta ?? 50,
      gamma: o?.gamma ?? 1,
      aeEpochs: o?.aeEpochs ?? 1,
      aeLr: o?.aeLr ?? KA_AE_OPTIMIZER.aeLr,
      aeMomentum: o?.aeMomentum ?? KA_AE_OPTIMIZER.aeMomentum,
      aeWeightDecay: o?.aeWeightDecay ?? KA_AE_OPTIMIZER.aeWeightDecay,
      ...(o?.aeStrides ? { aeStrides: o.aeStrides } : {}),
    };
    return kaTerm(c.rng.fork('ka'), c.student, c.teacher, one(s, 'student'), one(s, 'teacher'), opts);
  },
  'adaptation + affinity with the autoencoder pre-stage',
);

/** Binds one declared term to the models: a special binding by loss name, else a registered pair loss. */
export function buildTerm(spec: TermSpec, c: BindContext): Term {
  if (BINDERS.has(spec.loss)) return BINDERS.get(spec.loss)(spec, c);
  if (!listPairLosses().includes(spec.loss))
    throw new UsageError(
      `term '${spec.loss}': not a registered pair loss or term binding; expected one of ${termLossNames().join(', ')}`,
    );
  return pairTerm(
    spec.loss as PairLossName,
    spec.weight ?? 1,
    one(spec, 'student'),
    one(spec, 'teacher'),
    spec.options ?? {},
    spec.name ?? spec.loss,
    { alignSpatial: spec.alignSpatial ?? false },
  );
}

/** Binds every declared term; names must be unique (they key the logged parts). */
export function buildTerms(specs: readonly TermSpec[], c: BindContext): Term[] {
  const terms = specs.map((s) => buildTerm(s, c));
  const seen = new Set<string>();
  for (const t of terms) {
    if (seen.has(t.name))
      throw new UsageError(`two distillation terms are named '${t.name}': give one a distinct \`name\``);
    seen.add(t.name);
  }
  return terms;
}

/** Every loss name a term may use: the special bindings and the registered pair losses. */
export function termLossNames(): string[] {
  return [...new Set([...BINDERS.list(), ...listPairLosses()])].sort();
}

/**
 * Checks declared terms before anything runs (no models needed): each names a known loss, each
 * name is unique. `where` prefixes the error (e.g. the experiment and row).
 */
export function checkTermSpecs(specs: readonly TermSpec[], where: string): void {
  const names = termLossNames();
  const seen = new Set<string>();
  for (const s of specs) {
    if (!names.includes(s.loss))
      throw new UsageError(`${where}: unknown distillation loss '${s.loss}'; expected one of ${names.join(', ')}`);
    const n = s.name ?? (s.loss === 'fsd' ? `fsd.${tapList(s.student)[0]}` : s.loss);
    if (seen.has(n))
      throw new UsageError(`${where}: two distillation terms are named '${n}': give one a distinct \`name\``);
    seen.add(n);
  }
}
