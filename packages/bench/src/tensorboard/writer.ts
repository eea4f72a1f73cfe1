import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileVersionEvent, imageEvent, scalarEvent } from './event.ts';
import { readPngHeader } from './png-header.ts';
import { frameRecord } from './tfrecord.ts';

export interface TensorBoardWriterOptions {
  /** Wall clock in milliseconds (default Date.now); event wall_time is seconds. */
  now?: () => number;
  /** Host name in the file name (default os.hostname()). */
  host?: string;
  /** Write pending records once this many bytes are buffered (default 1 MiB); `flush` writes at once. */
  flushBytes?: number;
}

/**
 * Writes a TensorBoard event file `<logdir>/events.out.tfevents.<secs>.<host>` (a `.N` suffix
 * when that name is taken): TFRecord-framed Event protos, the `file_version` event first, then
 * scalar (`simple_value`) and image (PNG) summaries. Records are appended whole, one write per
 * flush, so a reader never sees half a record (a killed process loses at most the unflushed
 * ones). Read with `tensorboard --logdir <parent>`.
 */
export class TensorBoardWriter {
  readonly file: string;
  private fd: number | null;
  private pending: Uint8Array[] = [];
  private pendingBytes = 0;
  private readonly now: () => number;
  private readonly flushBytes: number;

  constructor(
    readonly logdir: string,
    opts: TensorBoardWriterOptions = {},
  ) {
    this.now = opts.now ?? Date.now;
    this.flushBytes = opts.flushBytes ?? 1 << 20;
    fs.mkdirSync(logdir, { recursive: true });
    const t = this.now();
    const base = path.join(
      logdir,
      `events.out.tfevents.${Math.floor(t / 1000)}.${(opts.host ?? os.hostname()).replace(/[/\\]/g, '_')}`,
    );
    let file = base;
    for (let n = 1; fs.existsSync(file); n++) file = `${base}.${n}`;
    this.file = file;
    this.fd = fs.openSync(file, 'wx');
    this.push(fileVersionEvent(t / 1000));
    this.flush();
  }

  /** A scalar at `step` (stored as float32, as TensorBoard's simple_value). */
  addScalar(tag: string, value: number, step: number): void {
    this.check(tag, step);
    if (typeof value !== 'number')
      throw new Error(`TensorBoardWriter: scalar '${tag}' must be a number, got ${typeof value}`);
    this.push(scalarEvent(tag, value, step, this.now() / 1000));
  }

  /** An image at `step`: PNG bytes whose IHDR must say `height`×`width`. */
  addImage(tag: string, png: Uint8Array, height: number, width: number, step: number): void {
    this.check(tag, step);
    const head = readPngHeader(png);
    if (!head) throw new Error(`TensorBoardWriter: image '${tag}' is not a PNG (bad signature or IHDR)`);
    if (head.width !== width || head.height !== height) {
      throw new Error(
        `TensorBoardWriter: image '${tag}' is ${head.height}×${head.width} (PNG header), not ${height}×${width}`,
      );
    }
    this.push(imageEvent(tag, { height, width, colorspace: head.colorspace, png }, step, this.now() / 1000));
  }

  /** Appends every pending record to the file in one write. */
  flush(): void {
    if (this.fd === null || !this.pending.length) return;
    const out = Buffer.concat(this.pending);
    this.pending = [];
    this.pendingBytes = 0;
    fs.writeSync(this.fd, out);
  }

  /** Flushes and closes the file; later adds throw. */
  close(): void {
    if (this.fd === null) return;
    this.flush();
    fs.closeSync(this.fd);
    this.fd = null;
  }

  private check(tag: string, step: number): void {
    if (this.fd === null) throw new Error(`TensorBoardWriter: '${this.file}' is closed`);
    if (typeof tag !== 'string' || !tag) throw new Error('TensorBoardWriter: tag must be a non-empty string');
    if (!Number.isSafeInteger(step) || step < 0)
      throw new Error(`TensorBoardWriter: step of '${tag}' must be a non-negative integer, got ${step}`);
  }

  private push(event: Uint8Array): void {
    const r = frameRecord(event);
    this.pending.push(r);
    this.pendingBytes += r.length;
    if (this.pendingBytes >= this.flushBytes) this.flush();
  }
}
