import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { REPO_ROOT } from '../paths.ts';
import { QUICK_RESULTS, buildScorecard, replaceScorecard } from './scorecard.ts';

describe('README scorecard', () => {
  it('is current: rebuilt from the committed claims CSVs it equals the README section', () => {
    const readme = fs.readFileSync(path.join(REPO_ROOT, 'README.md'), 'utf8');
    const card = buildScorecard(QUICK_RESULTS, REPO_ROOT);
    expect(card).toMatch(/^\*\*\d+ [a-z]+(, \d+ [a-z]+)*\*\* over 6 tables\./);
    expect(replaceScorecard(readme, card, 'README.md')).toBe(readme);
  });
  it('refuses a file without markers, naming it', () => {
    expect(() => replaceScorecard('# x\n', 'card', 'x.md')).toThrow(/--write: x\.md has no scorecard markers/);
  });
});
