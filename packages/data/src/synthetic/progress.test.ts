import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, afterEach, describe, expect, it, vi } from 'vitest';
import { PhaseProgress, formatSeconds, setPhaseProgressSink, type ProgressSink } from './progress.ts';
import { synthSodDataset } from './write-sod.ts';

/** A sink recording writes, and a clock the test advances by hand. */
function fake(isTTY: boolean) {
  const out: string[] = [];
  let t = 0;
  const sink: ProgressSink = { isTTY, write: (s: string) => out.push(s) };
  return { out, sink, now: () => t, advance: (ms: number) => (t += ms) };
}

describe('PhaseProgress', () => {
  it('not a terminal: plain lines every everyMs after the delay, ETA, a closing line; no escape codes', () => {
    const f = fake(false);
    const p = new PhaseProgress('generating synthetic-sod', 100, {
      sink: f.sink,
      now: f.now,
      delayMs: 2000,
      everyMs: 10_000,
    });
    for (let i = 0; i < 100; i++) {
      f.advance(500); // 0.5 s per item: 50 s in all
      p.tick();
    }
    p.done();
    expect(f.out).toEqual([
      'generating synthetic-sod: 4/100 (4%), ETA 48s\n',
      'generating synthetic-sod: 24/100 (24%), ETA 38s\n',
      'generating synthetic-sod: 44/100 (44%), ETA 28s\n',
      'generating synthetic-sod: 64/100 (64%), ETA 18s\n',
      'generating synthetic-sod: 84/100 (84%), ETA 8s\n',
      'generating synthetic-sod: 100/100 done in 50s\n',
    ]);
    expect(f.out.join('')).not.toMatch(/\x1b/);
  });

  it('a terminal: one line redrawn with \\r (padded over the longer previous text), newline at the end', () => {
    const f = fake(true);
    const p = new PhaseProgress('gen', 1000, { sink: f.sink, now: f.now, delayMs: 0 });
    f.advance(1000);
    p.tick(10);
    f.advance(100); // under 250 ms: no redraw
    p.tick(1);
    f.advance(9_000);
    p.tick(489); // 500 done in 10.1 s: "ETA 10s", shorter than the line before → padded
    f.advance(90_000);
    p.tick(500);
    p.done();
    expect(f.out).toEqual([
      '\rgen: 10/1000 (1%), ETA 1m 39s',
      '\rgen: 500/1000 (50%), ETA 10s ',
      '\rgen: 1000/1000 (100%), ETA 0s',
      '\rgen: 1000/1000 done in 1m 40s',
      '\n',
    ]);
  });

  it('short phases print nothing; null sink is silent', () => {
    const f = fake(false);
    const p = new PhaseProgress('gen', 10, { sink: f.sink, now: f.now });
    for (let i = 0; i < 10; i++) {
      f.advance(100);
      p.tick();
    }
    p.done();
    expect(f.out).toEqual([]);
    const q = new PhaseProgress('gen', 1, { sink: null, delayMs: 0 });
    q.tick();
    q.done();
    expect(formatSeconds(59.4)).toBe('59s');
    expect(formatSeconds(3600)).toBe('60m 00s');
  });
});

describe('synthetic dataset generation reports progress', () => {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'kdlab-progress-'));
  afterEach(() => {
    setPhaseProgressSink(process.stderr);
    vi.restoreAllMocks();
  });
  afterAll(() => fs.rmSync(root, { recursive: true, force: true }));

  it('synthSodDataset ticks once per sample of every split, then says done (a 3 s clock step per call)', async () => {
    let t = 0;
    vi.spyOn(Date, 'now').mockImplementation(() => (t += 3000));
    const lines: string[] = [];
    setPhaseProgressSink({ isTTY: false, write: (s: string) => lines.push(s) });
    await synthSodDataset(path.join(root, 'sod'), {
      seed: 1,
      splits: { train: 3, test: 2 },
      width: 16,
      height: 16,
      labeled: true,
    });
    expect(lines.at(-1)).toMatch(/^generating sod: 5\/5 done in \d+s\n$/);
    expect(lines[0]).toMatch(/^generating sod: 1\/5 \(20%\), ETA /);
  });
});
