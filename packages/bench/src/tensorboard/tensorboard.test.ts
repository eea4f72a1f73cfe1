import { spawnSync } from 'node:child_process';
import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import zlib from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { TensorBoardWriter, crc32c, frameRecord, maskedCrc32c, scalarEvent } from './index.ts';

/**
 * The event-file writer against known CRC-32C vectors (RFC 3720 B.4), a hand-laid protobuf, and an
 * independent reader: tools/reference/tensorboard/read_events.py (standard-library Python: its own
 * bitwise CRC-32C and a protobuf decoder by TensorBoard's event.proto/summary.proto field numbers).
 */
const READER = path.resolve(
  path.dirname(new URL(import.meta.url).pathname),
  '../../../../tools/reference/tensorboard/read_events.py',
);
const PYTHON = ['/usr/bin/python3', 'python3'].find((p) => spawnSync(p, ['-c', 'pass']).status === 0);
/** A Python with the `tensorboard` package (KD_TENSORBOARD_PYTHON, else python3), for a check by TensorBoard's own loader. */
const TB_PYTHON = [process.env.KD_TENSORBOARD_PYTHON, PYTHON].find(
  (p) => p && spawnSync(p, ['-c', 'import tensorboard']).status === 0,
);
const tmp = () => fs.mkdtempSync(path.join(os.tmpdir(), 'kd-tb-'));
const ascii = (s: string) => new TextEncoder().encode(s);

/** A valid RGB PNG, h×w, 8-bit, unfiltered rows of (x, y, 7). */
function png(h: number, w: number): Uint8Array {
  const chunk = (type: string, data: Uint8Array) => {
    const b = Buffer.alloc(12 + data.length);
    b.writeUInt32BE(data.length, 0);
    b.write(type, 4, 'latin1');
    Buffer.from(data).copy(b, 8);
    b.writeUInt32BE(
      (zlib as unknown as { crc32(d: Uint8Array): number }).crc32(b.subarray(4, 8 + data.length)),
      8 + data.length,
    );
    return b;
  };
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(w, 0);
  ihdr.writeUInt32BE(h, 4);
  ihdr.set([8, 2, 0, 0, 0], 8);
  const raw = Buffer.alloc(h * (1 + 3 * w));
  for (let y = 0; y < h; y++) for (let x = 0; x < w; x++) raw.set([x * 40, y * 40, 7], y * (1 + 3 * w) + 1 + 3 * x);
  const sig = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
  return new Uint8Array(
    Buffer.concat([sig, chunk('IHDR', ihdr), chunk('IDAT', zlib.deflateSync(raw)), chunk('IEND', new Uint8Array(0))]),
  );
}

function readEvents(file: string, python = PYTHON!, reader = READER) {
  const r = spawnSync(python, [reader, file], { encoding: 'utf8' });
  return { status: r.status, stderr: r.stderr.trim(), events: r.status === 0 ? JSON.parse(r.stdout) : null };
}

describe('TensorBoard event files', () => {
  it('CRC-32C matches the published test vectors; the mask is TFRecord’s', () => {
    expect(crc32c(ascii('123456789'))).toBe(0xe3069283);
    expect(crc32c(new Uint8Array(32))).toBe(0x8a9136aa);
    expect(crc32c(new Uint8Array(32).fill(0xff))).toBe(0x62a8ab43);
    expect(crc32c(Uint8Array.from({ length: 32 }, (_, i) => i))).toBe(0x46dd794e);
    expect(crc32c(new Uint8Array(0))).toBe(0);
    expect(maskedCrc32c(ascii('123456789'))).toBe(0xc78ab0e5); // ror15(0xE3069283) + 0xA282EAD8
  });

  it('lays out a scalar Event and its TFRecord byte for byte', () => {
    const ev = scalarEvent('loss', 0.5, 3, 1.5);
    const hex = Buffer.from(ev).toString('hex');
    // 09 <double 1.5> | 10 03 | 2a 0d [ 0a 0b [ 0a 04 "loss" 15 <float 0.5> ] ]
    expect(hex).toBe('09' + '000000000000f83f' + '1003' + '2a0d' + '0a0b' + '0a046c6f7373' + '15' + '0000003f');
    const rec = frameRecord(ev);
    expect(rec.length).toBe(16 + ev.length);
    expect(Number(new DataView(rec.buffer).getBigUint64(0, true))).toBe(ev.length);
    expect(new DataView(rec.buffer).getUint32(8, true)).toBe(maskedCrc32c(rec.subarray(0, 8)));
    expect(new DataView(rec.buffer).getUint32(12 + ev.length, true)).toBe(maskedCrc32c(ev));
  });

  it('names the file events.out.tfevents.<secs>.<host>, writes file_version first, appends only on flush', () => {
    const dir = tmp();
    const w = new TensorBoardWriter(dir, { now: () => 1_700_000_000_250, host: 'box' });
    expect(path.basename(w.file)).toBe('events.out.tfevents.1700000000.box');
    const afterVersion = fs.statSync(w.file).size;
    expect(afterVersion).toBe(16 + 9 + 2 + 13); // wall_time, file_version "brain.Event:2"
    w.addScalar('loss/total', 1, 1);
    expect(fs.statSync(w.file).size).toBe(afterVersion);
    w.flush();
    expect(fs.statSync(w.file).size).toBeGreaterThan(afterVersion);
    w.close();
    const again = new TensorBoardWriter(dir, { now: () => 1_700_000_000_900, host: 'box' });
    expect(path.basename(again.file)).toBe('events.out.tfevents.1700000000.box.1');
    again.close();
  });

  it('refuses bad input with one line naming the tag', () => {
    const w = new TensorBoardWriter(tmp(), { host: 'h' });
    expect(() => w.addImage('grid', ascii('not a png at all, really not'), 2, 3, 0)).toThrow(
      "TensorBoardWriter: image 'grid' is not a PNG (bad signature or IHDR)",
    );
    expect(() => w.addImage('grid', png(2, 3), 3, 2, 0)).toThrow(
      "TensorBoardWriter: image 'grid' is 2×3 (PNG header), not 3×2",
    );
    expect(() => w.addScalar('lr', 0.1, -1)).toThrow(
      "TensorBoardWriter: step of 'lr' must be a non-negative integer, got -1",
    );
    expect(() => w.addScalar('', 0.1, 1)).toThrow('tag must be a non-empty string');
    w.close();
    expect(() => w.addScalar('lr', 0.1, 1)).toThrow(/is closed/);
  });

  /** Writes version, 5 scalars (a NaN, a step of 2⁴⁰) and a PNG; returns the file and what was written. */
  function sample() {
    let t = 1_700_000_000_000;
    const w = new TensorBoardWriter(tmp(), { now: () => (t += 250), host: 'box' });
    const img = png(4, 6);
    const scalars: [string, number, number][] = [
      ['loss/total', 2.302585, 0],
      ['loss/kd', 0.1, 10],
      ['lr', 1e-3, 10],
      ['metrics/mae', 0.0731, 2 ** 40],
      ['loss/total', NaN, 11],
    ];
    for (const [tag, v, step] of scalars) w.addScalar(tag, v, step);
    w.addImage('qualitative', img, 4, 6, 10);
    w.close();
    return { file: w.file, img, scalars };
  }

  function expectDecoded(
    file: string,
    img: Uint8Array,
    scalars: [string, number, number][],
    python?: string,
    reader?: string,
  ) {
    const { status, events, stderr } = readEvents(file, python, reader);
    expect(status, stderr).toBe(0);
    expect(events).toHaveLength(1 + scalars.length + 1);
    expect(events[0]).toEqual({ step: 0, wall_time: 1_700_000_000.25, file_version: 'brain.Event:2' });
    scalars.forEach(([tag, v, step], i) => {
      const e = events[1 + i];
      expect(e.step).toBe(step);
      expect(e.wall_time).toBeCloseTo(1_700_000_000.25 + 0.25 * (i + 1), 6);
      expect(e.summary).toHaveLength(1);
      expect(e.summary[0].tag).toBe(tag);
      expect(e.summary[0].simple_value).toBe(Number.isNaN(v) ? 'nan' : Math.fround(v)); // the reader spells non-finite values
    });
    const im = events.at(-1);
    expect(im.step).toBe(10);
    expect(im.summary[0]).toEqual({
      tag: 'qualitative',
      image: {
        height: 4,
        width: 6,
        colorspace: 3,
        png_bytes: img.length,
        png_sha256: crypto.createHash('sha256').update(img).digest('hex'),
      },
    });
  }

  it.skipIf(!PYTHON)(
    'decodes with the independent Python reader: versions, scalars, steps, wall times, image bytes' +
      (PYTHON ? '' : ' (needs python3)'),
    () => {
      const { file, img, scalars } = sample();
      expectDecoded(file, img, scalars);
    },
  );

  it.skipIf(!TB_PYTHON)(
    'decodes with TensorBoard’s own EventFileLoader, the same values' +
      (TB_PYTHON ? '' : ' (needs a python3 with the tensorboard package; set KD_TENSORBOARD_PYTHON)'),
    () => {
      const { file, img, scalars } = sample();
      expectDecoded(file, img, scalars, TB_PYTHON, READER.replace(/read_events\.py$/, 'read_events_tb.py'));
    },
  );

  it.skipIf(!PYTHON)(
    'the reader really checks: one flipped byte fails its CRC' + (PYTHON ? '' : ' (needs python3)'),
    () => {
      const w = new TensorBoardWriter(tmp(), { host: 'box' });
      w.addScalar('a', 1, 1);
      w.close();
      const bytes = fs.readFileSync(w.file);
      bytes[bytes.length - 6] ^= 0x01;
      fs.writeFileSync(w.file, bytes);
      const r = readEvents(w.file);
      expect(r.status).toBe(1);
      expect(r.stderr).toMatch(/^error: .*: bad data checksum at byte \d+$/);
    },
  );
});
