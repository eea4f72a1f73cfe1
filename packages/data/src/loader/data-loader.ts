import '../dataset/register-kinds.ts';
import { UsageError } from '@kd/core';
import { openDataset } from '../dataset/dataset-kind.ts';
import type { BadSample, DatasetIndex } from '../dataset/types.ts';
import type { AugmentConfig } from '../transforms/augment.ts';
import type { Batch } from './batch.ts';
import { buildBatch, type BatchContext, type BatchTask } from './build-batch.ts';
import { batchIndices, epochOrder, stepsPerEpoch } from './epoch-order.ts';
import { BatchWorkerPool } from './worker-pool.ts';

export interface LoaderOptions {
  kind: string;
  root: string;
  split?: string;
  batchSize: number;
  seed: number;
  augment: AugmentConfig;
  /** Worker threads decoding and augmenting (default 1); 0 builds batches on this thread. */
  workers?: number;
  /** Batches queued ahead of the consumer, in flight or ready (default 2 × max(1, workers)). */
  prefetch?: number;
  /** Shuffle per epoch (default true). */
  shuffle?: boolean;
  /** Drop the last incomplete batch (default true). */
  dropLast?: boolean;
  /** Skip bad samples (listing and decoding) instead of failing; see `skipped()`. */
  skipBad?: boolean;
}

/** A position in training: the next batch to produce. */
export interface LoaderPosition {
  epoch: number;
  step: number;
}

/**
 * Batches for training, decoded and augmented off the training thread by a worker pool with a
 * bounded prefetch queue. The order of epoch e is a seeded permutation and every random choice
 * is derived from (seed, epoch, sample/step), so batches are byte-identical for any number of
 * workers and `batches({ epoch, step })` resumes exactly where a run stopped.
 */
export class DataLoader {
  readonly index: DatasetIndex;
  readonly stepsPerEpoch: number;
  private readonly ctx: BatchContext;
  private readonly pool: BatchWorkerPool | null;
  private readonly prefetch: number;
  private readonly skippedByFile = new Map<string, BadSample>();

  constructor(readonly opts: LoaderOptions) {
    if (!(opts.batchSize >= 1)) throw new UsageError(`--batch: must be ≥ 1, got ${opts.batchSize}`);
    const workers = opts.workers ?? 1;
    if (!(workers >= 0)) throw new UsageError(`--workers: must be ≥ 0, got ${workers}`);
    this.index = openDataset(opts.kind, opts.root, opts.split, { skipBad: opts.skipBad });
    for (const b of this.index.bad) this.skippedByFile.set(`${b.file}|${b.reason}`, b); // listing: one entry per bad list line
    this.stepsPerEpoch = stepsPerEpoch(this.index.refs.length, opts.batchSize, opts.dropLast ?? true);
    if (this.stepsPerEpoch === 0)
      throw new UsageError(
        `--batch: ${opts.batchSize} is larger than the ${this.index.refs.length} samples (with dropLast)`,
      );
    this.ctx = {
      kind: opts.kind,
      refs: this.index.refs,
      augment: opts.augment,
      seed: opts.seed,
      skipBad: opts.skipBad ?? false,
    };
    this.pool = workers > 0 ? new BatchWorkerPool(workers, this.ctx) : null;
    this.prefetch = opts.prefetch ?? 2 * Math.max(1, workers);
  }

  /** Every sample refused so far (listing + decoding), once each. */
  skipped(): BadSample[] {
    return [...this.skippedByFile.values()];
  }

  /** The task for batch `step` of `epoch`. */
  task(epoch: number, step: number): BatchTask {
    const order = epochOrder(this.index.refs.length, this.opts.seed, epoch, this.opts.shuffle ?? true);
    return { epoch, step, indices: batchIndices(order, step, this.opts.batchSize) };
  }

  /** Builds one batch (through the pool when there is one). */
  build(task: BatchTask): Promise<Batch> {
    return this.pool ? this.pool.run(task) : buildBatch(this.ctx, task);
  }

  /**
   * Yields batches from `from` (default epoch 0, step 0) up to, not including, epoch `untilEpoch`.
   * Keeps up to `prefetch` batches in flight ahead of the consumer.
   */
  async *batches(from: LoaderPosition = { epoch: 0, step: 0 }, untilEpoch = Infinity): AsyncGenerator<Batch> {
    if (from.step < 0 || from.step >= this.stepsPerEpoch)
      throw new UsageError(`resume step ${from.step} is outside 0..${this.stepsPerEpoch - 1}`);
    let next: LoaderPosition = { ...from };
    const ahead: Promise<Batch>[] = [];
    const orders = new Map<number, number[]>();
    const schedule = () => {
      while (ahead.length < this.prefetch && next.epoch < untilEpoch) {
        if (!orders.has(next.epoch))
          orders.set(
            next.epoch,
            epochOrder(this.index.refs.length, this.opts.seed, next.epoch, this.opts.shuffle ?? true),
          );
        const indices = batchIndices(orders.get(next.epoch)!, next.step, this.opts.batchSize);
        const p = this.build({ epoch: next.epoch, step: next.step, indices });
        p.catch(() => {}); // observed when consumed; avoids unhandled rejections after an early break
        ahead.push(p);
        next =
          next.step + 1 < this.stepsPerEpoch
            ? { epoch: next.epoch, step: next.step + 1 }
            : { epoch: next.epoch + 1, step: 0 };
        for (const e of orders.keys()) if (e < next.epoch - 1) orders.delete(e);
      }
    };
    schedule();
    while (ahead.length) {
      const batch = await ahead.shift()!;
      // decoding: once per sample file, whatever the decoder said (its message can vary between attempts)
      for (const b of batch.skipped) if (!this.skippedByFile.has(b.file)) this.skippedByFile.set(b.file, b);
      schedule();
      yield batch;
    }
  }

  async close(): Promise<void> {
    await this.pool?.close();
  }
}
