import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { REPO_ROOT } from './paths.ts';
import { shownPath } from './shown-path.ts';

describe('shownPath (paths in "wrote …" lines)', () => {
  it('repo-relative inside the repository, absolute outside, whatever the current folder', () => {
    expect(shownPath(path.join(REPO_ROOT, 'experiments', 'results', 'quickstart.csv'))).toBe(
      path.join('experiments', 'results', 'quickstart.csv'),
    );
    const outside = path.join(
      path.dirname(REPO_ROOT) === os.tmpdir() ? os.homedir() : os.tmpdir(),
      'kdlab-x',
      'out',
      'a.csv',
    );
    expect(shownPath(outside)).toBe(outside);
    expect(shownPath('/r/sub/f.png', '/r')).toBe('sub/f.png');
    expect(shownPath('/r', '/r')).toBe('/r');
    expect(shownPath('/rx/f.png', '/r')).toBe('/rx/f.png');
  });
});
