import fs from 'node:fs';
import path from 'node:path';
import { UsageError } from '@kd/core';
import { readCheckpointFile, writeCheckpointFile, type SavedArray } from './checkpoint-file.ts';

/** When checkpoints are written. */
export interface CheckpointPolicy {
  /** Every N steps of a stage; null: at each epoch's end and at most every `minutes` of wall time. */
  everySteps: number | null;
  minutes: number;
  /** Checkpoints kept (the newest). */
  keep: number;
}

export const DEFAULT_CHECKPOINT_POLICY: CheckpointPolicy = { everySteps: null, minutes: 10, keep: 2 };

/** What identifies the run a checkpoint belongs to (resolved config, code version, backend): plain values. */
export type CheckpointIdentity = Record<string, string | number | boolean | null>;

/** A checkpoint as read back: where the run stood and its arrays (weights, buffers, optimizer state). */
export interface LoadedCheckpoint {
  file: string;
  stage: string;
  /** Steps of `stage` already taken. */
  step: number;
  /** The loop's running sums, so epoch means come out as in an uninterrupted run. */
  loop: Record<string, unknown>;
  arrays: SavedArray[];
}

/**
 * Checkpoints of one training run in `dir`: `<seq>-<stage>-<step>.ckpt` files written atomically
 * (see checkpoint-file.ts), the newest `keep` kept. `latest()` returns the newest readable one —
 * a truncated or corrupted file is reported and the previous one used — and refuses one written
 * for another config or code version, naming the first differing key.
 */
export class Checkpointer {
  private lastSave = Date.now();

  constructor(
    readonly dir: string,
    readonly identity: CheckpointIdentity,
    readonly policy: CheckpointPolicy = DEFAULT_CHECKPOINT_POLICY,
    private readonly say: (line: string) => void = (l) => process.stderr.write(`${l}\n`),
  ) {}

  /** Whether to save after `step` (1-based) of a stage; the last step of a stage is always saved. */
  due(step: number, endOfEpoch: boolean, lastStep: boolean): boolean {
    if (lastStep) return true;
    if (this.policy.everySteps !== null) return step % this.policy.everySteps === 0;
    return endOfEpoch || Date.now() - this.lastSave >= this.policy.minutes * 60_000;
  }

  private files(): string[] {
    if (!fs.existsSync(this.dir)) return [];
    return fs
      .readdirSync(this.dir)
      .filter((f) => /^\d+-.+-\d+\.ckpt$/.test(f))
      .sort((a, b) => Number(a.split('-')[0]) - Number(b.split('-')[0]));
  }

  /** Writes a checkpoint and prunes older ones; prints `checkpoint <stage> step N`. Returns the file's bytes. */
  save(stage: string, step: number, loop: Record<string, unknown>, arrays: readonly SavedArray[]): number {
    fs.mkdirSync(this.dir, { recursive: true });
    const files = this.files();
    const seq = files.length ? Number(files[files.length - 1].split('-')[0]) + 1 : 1;
    const bytes = writeCheckpointFile(
      path.join(this.dir, `${seq}-${stage}-${step}.ckpt`),
      { identity: this.identity, stage, step, loop },
      arrays,
    );
    for (const old of this.files().slice(0, -this.policy.keep)) fs.rmSync(path.join(this.dir, old), { force: true });
    this.lastSave = Date.now();
    this.say(`checkpoint ${stage} step ${step}`);
    return bytes;
  }

  /** The newest usable checkpoint, or null when there is none. */
  latest(): LoadedCheckpoint | null {
    for (const name of this.files().reverse()) {
      const file = path.join(this.dir, name);
      let read: ReturnType<typeof readCheckpointFile>;
      try {
        read = readCheckpointFile(file);
      } catch (e) {
        this.say(`${(e as Error).message}; using the previous checkpoint`);
        continue;
      }
      const theirs = (read.meta.identity ?? {}) as CheckpointIdentity;
      for (const key of new Set([...Object.keys(this.identity), ...Object.keys(theirs)])) {
        if (theirs[key] !== this.identity[key]) {
          throw new UsageError(
            `checkpoint ${file} belongs to another run: ${key} is ${JSON.stringify(theirs[key])} there, ${JSON.stringify(this.identity[key])} here; delete ${this.dir} to start this run over`,
          );
        }
      }
      const { stage, step, loop } = read.meta as { stage: string; step: number; loop: Record<string, unknown> };
      return { file, stage, step, loop, arrays: read.arrays };
    }
    return null;
  }

  /** Prints the resume line. */
  announce(stage: string, step: number): void {
    this.say(`resumed ${stage} at step ${step}`);
  }
}
