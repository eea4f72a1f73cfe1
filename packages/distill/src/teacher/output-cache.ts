import { createHash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { writeFileAtomic } from '@kd/core';
import type { Module, TappedOutput } from '@kd/nn';

/**
 * On-disk cache of a frozen teacher's outputs and tapped features, content-addressed by
 * sha256(teacher weights, batch key). The batch key names everything that determines the
 * teacher's input: loader seed, epoch, step, sample names and size — the loader derives every
 * augmentation parameter from (seed, epoch, sample), so equal keys mean byte-equal inputs.
 * Sweeps over student-side knobs (same seed) then never run the teacher twice.
 * File: u32 header length, JSON header {outputs: shapes, taps: {name: shape}}, float32 data.
 */
export class TeacherOutputCache {
  hits = 0;
  misses = 0;

  constructor(readonly dir: string, readonly teacherHash: string) {
    fs.mkdirSync(dir, { recursive: true });
  }

  /** sha256 of every parameter and buffer of the model, in state-dict order. */
  static weightsHash(model: Module): string {
    const h = createHash('sha256');
    for (const [name, v] of model.stateDict()) {
      h.update(name);
      h.update(Buffer.from((v.dataSync() as Float32Array).buffer));
    }
    return h.digest('hex').slice(0, 16);
  }

  private file(key: string): string {
    const id = createHash('sha256').update(`${this.teacherHash}|${key}`).digest('hex');
    return path.join(this.dir, id.slice(0, 2), `${id}.bin`);
  }

  get(key: string): TappedOutput | null {
    const f = this.file(key);
    if (!fs.existsSync(f)) {
      this.misses++;
      return null;
    }
    const buf = fs.readFileSync(f);
    const len = buf.readUInt32LE(0);
    const header = JSON.parse(buf.subarray(4, 4 + len).toString('utf8')) as { outputs: number[][]; taps: Record<string, number[]> };
    let off = 4 + len;
    const take = (shape: number[]) => {
      const n = shape.reduce((a, b) => a * b, 1);
      const data = new Float32Array(n);
      new Uint8Array(data.buffer).set(buf.subarray(off, off + 4 * n));
      off += 4 * n;
      return tf.tensor4d(data, shape as [number, number, number, number]);
    };
    this.hits++;
    return { outputs: header.outputs.map(take), taps: Object.fromEntries(Object.entries(header.taps).map(([k, s]) => [k, take(s)])) };
  }

  put(key: string, out: TappedOutput): void {
    const tensors = [...out.outputs, ...Object.values(out.taps)];
    const header = Buffer.from(JSON.stringify({ outputs: out.outputs.map((t) => t.shape), taps: Object.fromEntries(Object.entries(out.taps).map(([k, t]) => [k, t.shape])) }));
    const parts = [Buffer.alloc(4), header, ...tensors.map((t) => Buffer.from((t.dataSync() as Float32Array).slice().buffer))];
    parts[0].writeUInt32LE(header.length, 0);
    writeFileAtomic(this.file(key), Buffer.concat(parts));
  }
}
