import { Module } from '@kd/nn';

/**
 * PyTorch `nn.ModuleList` / `nn.Sequential` naming: children `0`, `1`, … (gaps allowed, as in
 * the official CSNet where a pruned branch leaves its index unused). `items` keeps the order;
 * absent slots are null.
 */
export class ModuleList<M extends Module> extends Module {
  readonly items: (M | null)[] = [];

  /** Appends `m` (or an empty slot) under the next index and returns it. */
  push<T extends M | null>(m: T): T {
    const i = this.items.length;
    if (m) this.child(String(i), m);
    this.items.push(m);
    return m;
  }

  at(i: number): M {
    const m = this.items[i];
    if (!m) throw new Error(`ModuleList: no module at index ${i}`);
    return m;
  }
}
