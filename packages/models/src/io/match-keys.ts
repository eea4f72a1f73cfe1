import type { LoadSafetensorsOptions } from './load-safetensors.ts';

/** How a file tensor (PyTorch layout) becomes the model's: conv OIHW → HWIO, depthwise → [k,k,C,1], Linear [out,in] → [in,out], or as is. */
export type LayoutRule = 'hwio' | 'depthwise' | 'linear' | 'same';

/** The rule that takes `file` to `want` (4-D and 2-D file shapes are always PyTorch layout), or null. */
export function layoutRule(file: readonly number[], want: readonly number[]): LayoutRule | null {
  const same = (s: readonly number[]) => s.length === want.length && s.every((d, i) => d === want[i]);
  if (file.length === 4) {
    const [o, i, kh, kw] = file;
    if (same([kh, kw, i, o])) return 'hwio';
    if (i === 1 && same([kh, kw, o, 1])) return 'depthwise';
    return null;
  }
  if (file.length === 2) return same([file[1], file[0]]) ? 'linear' : null;
  return same(file) ? 'same' : null;
}

export interface KeyMatch {
  /** [file key, model key, rule] for every tensor to assign. */
  pairs: [string, string, LayoutRule][];
  /** File keys the mapping dropped on purpose (null). */
  dropped: string[];
  /** One line naming the mismatches (at most three per kind, with counts), or null when everything matches. */
  problems: string | null;
}

/** Renames PyTorch/Paddle BN statistics to kdlab's names. */
function canonical(key: string): string {
  return key.replace(/\._mean$/, '.running_mean').replace(/\._variance$/, '.running_var');
}

function listFirst(what: string, names: string[]): string {
  const more = names.length > 3 ? `, … ${names.length - 3} more` : '';
  return `${what} (${names.length}): ${names.slice(0, 3).join(', ')}${more}`;
}

/**
 * Matches a weights file's keys and shapes against a model's state (dotted name → shape) through
 * `opts.mapping` and `opts.scope`, without touching any tensor: model tensors missing from the
 * file, file tensors the model lacks, and shapes no layout rule reconciles are reported in one
 * line, the first three of each kind named.
 */
export function matchKeys(
  model: ReadonlyMap<string, readonly number[]>,
  file: Iterable<[string, readonly number[]]>,
  opts: LoadSafetensorsOptions = {},
): KeyMatch {
  const scope = opts.scope ?? '';
  const map = opts.mapping;
  const rename = (k: string): string | null => (typeof map === 'function' ? map(k) : map && k in map ? map[k] : k);
  const missing = new Set([...model.keys()].filter((k) => k.startsWith(scope)));
  const extra: string[] = [];
  const badShape: string[] = [];
  const dropped: string[] = [];
  const pairs: KeyMatch['pairs'] = [];
  for (const [fileKey, shape] of file) {
    const mapped = rename(fileKey);
    if (mapped === null) {
      dropped.push(fileKey);
      continue;
    }
    const key = canonical(mapped);
    const want = model.get(key);
    if (!want || !key.startsWith(scope)) {
      extra.push(fileKey === key ? fileKey : `${fileKey} (→ ${key})`);
      continue;
    }
    missing.delete(key);
    const rule = layoutRule(shape, want);
    if (rule) pairs.push([fileKey, key, rule]);
    else badShape.push(`${key}: file [${shape.join(',')}] vs model [${want.join(',')}]`);
  }
  const problems: string[] = [];
  if (missing.size) problems.push(listFirst('missing from file', [...missing]));
  if (extra.length) problems.push(listFirst('not in model', extra));
  if (badShape.length) problems.push(listFirst('wrong shape', badShape));
  return {
    pairs,
    dropped,
    problems: problems.length ? `does not match the model; nothing loaded. ${problems.join('. ')}` : null,
  };
}
