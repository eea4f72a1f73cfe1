import { createHash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { writeFileAtomic } from '@kd/core';
import type { Module, TappedOutput } from '@kd/nn';

/**
 * On-disk cache of a frozen teacher's outputs and tapped features, content-addressed by
 * sha256(teacher weights, batch key), bounded: with `maxBytes` the least recently used entries
 * (by file mtime, touched on every hit) are evicted before a write would exceed it, so a `full`
 * run caches what fits (`--teacher-cache-gb`, default 16 GB) and recomputes the rest. The batch key names everything that determines the
 * teacher's input: loader seed, epoch, step, sample names and size — the loader derives every
 * augmentation parameter from (seed, epoch, sample), so equal keys mean byte-equal inputs.
 * Sweeps over student-side knobs (same seed) then never run the teacher twice.
 * File: u32 header length, JSON header {outputs: shapes, taps: {name: shape}}, float32 data.
 */
export class TeacherOutputCache {
  hits = 0;
  misses = 0;
  evictions = 0;
  /** Bytes of the entries under `dir` (scanned at construction, kept up to date by this process). */
  bytes = 0;

  constructor(
    readonly dir: string,
    readonly teacherHash: string,
    readonly maxBytes = Infinity,
  ) {
    fs.mkdirSync(dir, { recursive: true });
    if (Number.isFinite(maxBytes)) this.bytes = this.entries().reduce((n, e) => n + e.size, 0);
  }

  /** Every entry file with its size and last use, oldest first. */
  private entries(): { file: string; size: number; used: number }[] {
    const out: { file: string; size: number; used: number }[] = [];
    for (const sub of fs.existsSync(this.dir) ? fs.readdirSync(this.dir) : []) {
      const d = path.join(this.dir, sub);
      if (!fs.statSync(d).isDirectory()) continue;
      for (const f of fs.readdirSync(d)) {
        if (!f.endsWith('.bin')) continue;
        const st = fs.statSync(path.join(d, f));
        out.push({ file: path.join(d, f), size: st.size, used: st.mtimeMs });
      }
    }
    return out.sort((a, b) => a.used - b.used);
  }

  /** Evicts least recently used entries until `incoming` more bytes fit under `maxBytes`; false when the entry alone is too big. */
  private makeRoom(incoming: number): boolean {
    if (incoming > this.maxBytes) return false;
    if (this.bytes + incoming <= this.maxBytes) return true;
    this.bytes = 0;
    const all = this.entries();
    for (const e of all) this.bytes += e.size; // other processes may share the folder: recount before evicting
    for (const e of all) {
      if (this.bytes + incoming <= this.maxBytes) break;
      fs.rmSync(e.file, { force: true });
      this.bytes -= e.size;
      this.evictions++;
    }
    return true;
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
    let buf: Buffer;
    try {
      buf = fs.readFileSync(f);
    } catch {
      this.misses++; // absent, or evicted by another process sharing the folder
      return null;
    }
    if (Number.isFinite(this.maxBytes)) {
      const now = new Date();
      fs.utimesSync(f, now, now); // last use, for the LRU order
    }
    const len = buf.readUInt32LE(0);
    const header = JSON.parse(buf.subarray(4, 4 + len).toString('utf8')) as {
      outputs: number[][];
      taps: Record<string, number[]>;
    };
    let off = 4 + len;
    const take = (shape: number[]) => {
      const n = shape.reduce((a, b) => a * b, 1);
      const data = new Float32Array(n);
      new Uint8Array(data.buffer).set(buf.subarray(off, off + 4 * n));
      off += 4 * n;
      return tf.tensor4d(data, shape as [number, number, number, number]);
    };
    this.hits++;
    return {
      outputs: header.outputs.map(take),
      taps: Object.fromEntries(Object.entries(header.taps).map(([k, s]) => [k, take(s)])),
    };
  }

  put(key: string, out: TappedOutput): void {
    const tensors = [...out.outputs, ...Object.values(out.taps)];
    const header = Buffer.from(
      JSON.stringify({
        outputs: out.outputs.map((t) => t.shape),
        taps: Object.fromEntries(Object.entries(out.taps).map(([k, t]) => [k, t.shape])),
      }),
    );
    const parts = [
      Buffer.alloc(4),
      header,
      ...tensors.map((t) => Buffer.from((t.dataSync() as Float32Array).slice().buffer)),
    ];
    parts[0].writeUInt32LE(header.length, 0);
    const bytes = Buffer.concat(parts);
    if (!this.makeRoom(bytes.length)) return; // larger than the whole cache: not cached
    writeFileAtomic(this.file(key), bytes);
    this.bytes += bytes.length;
  }
}
