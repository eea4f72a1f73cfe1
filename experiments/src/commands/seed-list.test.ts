import { describe, expect, it } from 'vitest';
import { parseSeedList } from './run.ts';

describe('--seed-list', () => {
  it('runs exactly the listed seeds, in order', () => {
    expect(parseSeedList('11,12,13', false)).toEqual([11, 12, 13]);
    expect(parseSeedList(' 3 ', false)).toEqual([3]);
  });
  it('refuses repeats, non-integers, zero and a clash with --seed/--seeds, naming the flag', () => {
    expect(() => parseSeedList('3,3', false)).toThrow("--seed-list: seed 3 is listed twice in '3,3'");
    expect(() => parseSeedList('1,x', false)).toThrow(/--seed-list: expected an integer/);
    expect(() => parseSeedList('0', false)).toThrow(/--seed-list: expected an integer >= 1, got '0'/);
    expect(() => parseSeedList('1,2', true)).toThrow(
      '--seed-list: give either --seed-list or --seed/--seeds, not both',
    );
  });
});
