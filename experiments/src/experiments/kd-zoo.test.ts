import { describe, expect, it } from 'vitest';
import { Rng } from '@kd/core';
import { listPairLosses } from '@kd/losses';
import { kdZoo, termsFor } from './kd-zoo.ts';

// Methods that need no models to build their terms (fitnet and ka read the tap declarations).
const ctx = { student: {} as never, teacher: {} as never, train: {} as never, rng: new Rng(1) };
const summary = async (method: string) =>
  (await termsFor(method, ctx)).map((t) => `${t.name} ×${t.weight} ${t.studentTaps.join('+')}→${t.teacherTaps.join('+')}`);

describe('kd-zoo methods', () => {
  it('the tuned rows keep their terms, weights and taps', async () => {
    expect(await summary('pixel-kl')).toEqual(['pixel-kl ×1 out→out']);
    expect(await summary('cwd')).toEqual(['cwd ×10 out→out']);
    expect(await summary('pairwise')).toEqual(['pairwise ×1 feat→aspp']);
    expect(await summary('at')).toEqual(['attention-transfer ×100 feat→aspp']);
    expect(await summary('bcd')).toEqual(['pixel-kl ×1 out→out', 'bd-stride4 ×5 c2→c2', 'bd-last ×5 feat→c5', 'bcd-context ×10 feat→feat']);
  });

  it('every variant method resolves; any other pair loss runs on the logits at weight 1; unknown names are refused', async () => {
    for (const v of kdZoo.variants) {
      const m = (v.set as { method?: string }).method;
      if (m && m !== 'none' && m !== 'fitnet' && m !== 'ka') expect((await termsFor(m, ctx)).length).toBeGreaterThan(0);
    }
    expect(listPairLosses()).toContain('ka-affinity');
    expect(await summary('ka-affinity')).toEqual(['ka-affinity ×1 out→out']);
    await expect(termsFor('pixel-k', ctx)).rejects.toThrow(/kd-zoo: unknown method 'pixel-k'; expected none, pixel-kl, .* or a pair loss/);
  });
});
