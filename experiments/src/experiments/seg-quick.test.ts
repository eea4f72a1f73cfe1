import { describe, expect, it } from 'vitest';
import { expandSweep, type Profile, type SweepExperiment } from '@kd/sweep';
import { checkTerms } from '../sweep/register-sweep.ts';
import { ablationBcd } from './ablation-bcd.ts';
import { ablationKa } from './ablation-ka.ts';
import { kdZoo } from './kd-zoo.ts';
import { SEG_MEDIUM, SEG_QUICK } from './seg-defaults.ts';

const TABLES = [ablationBcd, ablationKa, kdZoo] as unknown as SweepExperiment[];
const runs = (exp: SweepExperiment, profile: Profile) =>
  expandSweep(exp, { profile, seeds: [1, 2, 3], overrides: {}, backendLabel: 'check' });
const rows = (exp: SweepExperiment, profile: Profile) => [
  ...new Set(runs(exp, profile).map((r) => `${r.variant}${r.point.student ? ` @ ${String(r.point.student)}` : ''}`)),
];
/** The keys that decide which teacher a run trains or reuses (seg-recipe's teacher spec). */
const TEACHER_KEYS = [
  'teacher',
  'teacher_width',
  'teacher_epochs',
  'teacher_iters',
  'teacher_seed',
  'teacher_weights',
  'teacher_backbone_weights',
  'data',
  'dataset',
  'twin',
  'n_train',
  'n_val',
  'width',
  'height',
  'batch',
  'optimizer',
  'lr',
  'weight_decay',
  'aug',
] as const;

describe('segmentation quick and medium profiles (issue 17)', () => {
  it('quick: the objects twin, 96 validation frames, one teacher seed', () => {
    expect([SEG_QUICK.twin, SEG_QUICK.n_train, SEG_QUICK.n_val, SEG_QUICK.teacher_seed]).toEqual([
      'objects',
      384,
      96,
      1,
    ]);
  });

  it('one teacher for all three tables, quick and medium: the teacher keys agree in every run', () => {
    const specs = new Set(
      TABLES.flatMap((exp) =>
        (['quick', 'medium'] as const).flatMap((p) =>
          runs(exp, p).map((r) => JSON.stringify(TEACHER_KEYS.map((k) => r.config[k]))),
        ),
      ),
    );
    expect(specs.size).toBe(1);
  });

  it('ablation-bcd: quick = the headline rows and the long control, medium adds the single terms', () => {
    expect(rows(TABLES[0], 'quick')).toEqual(['teacher', 'no KD', 'no KD (long)', 'pixel KL', '+ BD + CD']);
    expect(rows(TABLES[0], 'medium')).toEqual([
      'teacher',
      'no KD',
      'no KD (long)',
      'pixel KL',
      '+ boundary (BD)',
      '+ context (CD)',
      '+ BD + CD',
    ]);
    expect(rows(TABLES[0], 'full')).not.toContain('no KD (long)');
  });

  it('ablation-ka: quick at OS16 only; medium and full over OS8/16/32', () => {
    expect(rows(TABLES[1], 'quick')).toEqual([
      'teacher',
      'no KD @ fcn-mbv2-os16',
      'no KD (long) @ fcn-mbv2-os16',
      'adaptation + affinity @ fcn-mbv2-os16',
    ]);
    const medium = rows(TABLES[1], 'medium');
    expect(medium.length).toBe(1 + 5 * 3);
    expect(medium.filter((r) => r.endsWith('fcn-mbv2-os8'))).toEqual([
      'no KD @ fcn-mbv2-os8',
      'no KD (long) @ fcn-mbv2-os8',
      'adaptation @ fcn-mbv2-os8',
      'affinity @ fcn-mbv2-os8',
      'adaptation + affinity @ fcn-mbv2-os8',
    ]);
  });

  it('kd-zoo: quick = no KD, its long control, pixel KL and the seeds’ methods (BCD, KA); medium every method', () => {
    expect(rows(TABLES[2], 'quick')).toEqual([
      'teacher',
      'no KD',
      'no KD (long)',
      'pixel KL (T=1)',
      'BCD (KL + BD + CD)',
      'Knowledge Adaptation',
    ]);
    expect(rows(TABLES[2], 'medium').length).toBe(11);
  });

  it('the long control trains twice the steps in quick and medium; every student row else the profile’s epochs', () => {
    for (const exp of TABLES)
      for (const [p, epochs] of [
        ['quick', SEG_QUICK.epochs],
        ['medium', SEG_MEDIUM.epochs!],
      ] as const) {
        const students = runs(exp, p).filter((r) => r.variant !== 'teacher');
        const long = students.filter((r) => r.variant === 'no KD (long)');
        expect(long.length).toBeGreaterThanOrEqual(3);
        for (const r of students) expect(r.config.epochs).toBe(r.variant === 'no KD (long)' ? 2 * epochs : epochs);
      }
    expect(SEG_MEDIUM.epochs!).toBeGreaterThan(SEG_QUICK.epochs);
  });

  it('every claim is judged in medium on 3 seeds; quick judges the headline claims and lists the rest apart', () => {
    const judged = (exp: SweepExperiment, p: Profile) => {
      const ran = new Set(runs(exp, p).map((r) => r.variant));
      return (exp.claims ?? []).filter((c) => ran.has(c.better) && ran.has(c.than)).map((c) => c.id);
    };
    for (const exp of TABLES) {
      expect(() => checkTerms(exp)).not.toThrow();
      expect(judged(exp, 'medium')).toEqual(exp.claims!.map((c) => c.id));
      expect(exp.defaultSeeds).toBeGreaterThanOrEqual(3);
    }
    expect(judged(TABLES[0], 'quick')).toEqual(['kl-vs-nokd', 'bdcd-vs-kl', 'bcd-vs-nokd', 'bcd-vs-long']);
    expect(judged(TABLES[1], 'quick')).toEqual(['ka-os16', 'ka-vs-long-os16']);
    expect(judged(TABLES[2], 'quick')).toEqual(['kl-vs-nokd', 'bcd-vs-kl', 'bcd-vs-long', 'ka-vs-nokd']);
  });
});
