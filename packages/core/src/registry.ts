import { UsageError } from './errors.ts';

/**
 * A name → factory table (timm's register/create/list). The registry name is what configs
 * and CSV cells carry. `create` on an unknown name lists the nearest known names.
 */
export class Registry<F> {
  private readonly items = new Map<string, { factory: F; description: string }>();

  constructor(readonly kind: string) {}

  register(name: string, factory: F, description = ''): F {
    if (this.items.has(name)) throw new Error(`${this.kind} '${name}' is already registered`);
    this.items.set(name, { factory, description });
    return factory;
  }

  has(name: string): boolean {
    return this.items.has(name);
  }

  get(name: string): F {
    const item = this.items.get(name);
    if (!item) {
      const near = nearest(name, [...this.items.keys()]);
      throw new UsageError(
        `unknown ${this.kind} '${name}'` +
          (near.length ? `; did you mean ${near.map((n) => `'${n}'`).join(', ')}?` : '') +
          ` Known: ${[...this.items.keys()].sort().join(', ') || '(none)'}`,
      );
    }
    return item.factory;
  }

  describe(name: string): string {
    return this.items.get(name)?.description ?? '';
  }

  /** Registered names, sorted, optionally filtered by a glob with `*` and `?`. */
  list(glob = '*'): string[] {
    const re = globToRegExp(glob);
    return [...this.items.keys()].filter((n) => re.test(n)).sort();
  }
}

export function globToRegExp(glob: string): RegExp {
  const body = glob
    .replace(/[.+^${}()|[\]\\]/g, '\\$&')
    .replace(/\*/g, '.*')
    .replace(/\?/g, '.');
  return new RegExp(`^${body}$`);
}

/** Up to three candidates closest to `name` by edit distance (only reasonably close ones). */
export function nearest(name: string, candidates: readonly string[], max = 3): string[] {
  return candidates
    .map((c) => ({ c, d: editDistance(name, c) }))
    .filter(({ c, d }) => d <= Math.max(2, Math.floor(Math.max(name.length, c.length) / 2)) || c.includes(name))
    .sort((x, y) => x.d - y.d || x.c.localeCompare(y.c))
    .slice(0, max)
    .map(({ c }) => c);
}

export function editDistance(a: string, b: string): number {
  const prev = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    let diag = prev[0];
    prev[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const tmp = prev[j];
      prev[j] = Math.min(prev[j] + 1, prev[j - 1] + 1, diag + (a[i - 1] === b[j - 1] ? 0 : 1));
      diag = tmp;
    }
  }
  return prev[b.length];
}
