import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { configKeyMeaning, describeConfigKeys } from '@kd/core';
import { EXPERIMENTS } from '../experiment.ts';
import { REPO_ROOT } from '../paths.ts';
import { wrap } from './help-text.ts';
import { experimentFromArgv, formatSetKeys, setKeysHelp } from './run-help.ts';

describe('pnpm exp run <name> --help lists the --set keys', () => {
  it('formats key, type, default → full-profile value and meaning, aligned and wrapped under the meaning column', () => {
    describeConfigKeys({ alpha: 'the weight of a term that has a rather long explanation to wrap' }, 'demo');
    const text = formatSetKeys('demo', { alpha: 0.5, name: 'x', on: false }, { alpha: 2, on: false }, ['on'], 60);
    expect(text.split('\n')).toEqual([
      '--set keys of demo (key, type, default → value in --profile full, meaning):',
      '  alpha  number   0.5 → 2  the weight of a term that has a',
      '                           rather long explanation to wrap',
      '  name   string   x        -',
      '  on     boolean  false    -',
      "The table's rows set on themselves.",
    ]);
  });

  it('an experiment-specific meaning wins over the shared one', () => {
    describeConfigKeys({ zeta: 'shared' });
    describeConfigKeys({ zeta: 'own' }, 'demo2');
    expect(configKeyMeaning('zeta', 'demo2')).toBe('own');
    expect(configKeyMeaning('zeta', 'other')).toBe('shared');
    expect(wrap('a b c', 4, 10)).toBe('a b c');
  });

  it('finds the experiment after `run`; none for a missing or unknown name', () => {
    expect(experimentFromArgv(['run', '--profile', 'full', 'ablation-bcd', '--help'])).toBe('ablation-bcd');
    expect(experimentFromArgv(['run', '--help'])).toBeUndefined();
    expect(experimentFromArgv(['run', 'nosuch', '--help'])).toBeUndefined();
  });

  it('every key of every registered experiment has a one-line meaning', () => {
    const missing = EXPERIMENTS.list().flatMap((n) =>
      Object.keys(EXPERIMENTS.get(n).defaults)
        .filter((k) => !configKeyMeaning(k, n))
        .map((k) => `${n}:${k}`),
    );
    expect(missing).toEqual([]);
    const help = setKeysHelp(['run', 'ablation-bcd', '--help']);
    expect(help).toMatch(/^ {2}bd {24}number {3}0 {35}weight λ_bd of boundary/m);
    expect(help).toMatch(/^ {2}width {21}number {3}128 → 1024/m);
  });

  it('the CLI prints them (one spawn)', () => {
    const r = spawnSync(
      path.join(REPO_ROOT, 'node_modules', '.bin', 'tsx'),
      [path.join(REPO_ROOT, 'experiments', 'src', 'cli.ts'), 'run', 'quickstart', '--help'],
      { encoding: 'utf8' },
    );
    expect(r.status).toBe(0);
    expect(r.stdout).toContain('--set keys of quickstart');
    expect(r.stdout).toMatch(
      /^ {2}kd_epochs +number +5 +epochs of the student distilled on the unlabeled images only$/m,
    );
  });
});
