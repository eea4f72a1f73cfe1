import { describe, expect, it } from 'vitest';
import { checkTermSpecs } from '@kd/distill';
import { checkTerms } from '../sweep/register-sweep.ts';
import { kdZoo, termsFor } from './kd-zoo.ts';

const summary = (method: string) =>
  termsFor(method).map(
    (t) => `${t.name ?? t.loss} ×${t.weight ?? 1} ${[t.student].flat().join('+')}→${[t.teacher].flat().join('+')}`,
  );

describe('kd-zoo methods', () => {
  it('the tuned rows keep their terms, weights and taps', () => {
    expect(summary('none')).toEqual([]);
    expect(summary('pixel-kl')).toEqual(['pixel-kl ×1 out→out']);
    expect(summary('cwd')).toEqual(['cwd ×3 out→out']);
    expect(summary('pairwise')).toEqual(['pairwise ×5 feat→aspp']);
    expect(summary('at')).toEqual(['attention-transfer ×100 feat→aspp']);
    expect(summary('bcd')).toEqual([
      'pixel-kl ×1 out→out',
      'bd-stride4 ×5 c2→c2',
      'bd-last ×5 feat→c5',
      'bcd-context ×10 feat→feat',
    ]);
    expect(summary('ka')).toEqual(['ka ×1 feat→feat']);
  });

  it('every row names known losses; any other loss runs on the logits at weight 1 (DIST); unknown names are refused before a run', () => {
    expect(() => checkTerms(kdZoo)).not.toThrow();
    expect(summary('dist')).toEqual(['dist ×1 out→out']);
    expect(() => checkTermSpecs(termsFor('pixel-k'), "kd-zoo: row 'x'")).toThrow(
      /kd-zoo: row 'x': unknown distillation loss 'pixel-k'; expected one of .*pixel-kl/,
    );
  });
});
