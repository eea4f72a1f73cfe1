/** Where progress goes: process.stderr by default; `isTTY` picks the in-place line. */
export interface ProgressSink {
  write(text: string): unknown;
  isTTY?: boolean;
}

export interface PhaseProgressOptions {
  /** Default: the sink set by `setPhaseProgressSink` (process.stderr unless changed). */
  sink?: ProgressSink | null;
  /** Silent for the first `delayMs` (default 2000): short phases print nothing at all. */
  delayMs?: number;
  /** Not a TTY: one plain line every `everyMs` (default 15000). A TTY redraws at most every 250 ms. */
  everyMs?: number;
  /** Clock in ms (tests). */
  now?: () => number;
}

let defaultSink: ProgressSink | null = process.stderr;

/** Redirects (or with null silences) the progress of every later phase, e.g. for `--quiet`. */
export function setPhaseProgressSink(sink: ProgressSink | null): void {
  defaultSink = sink;
}

/** `83 s` → `1m 23s`; under a minute `12s`. */
export function formatSeconds(s: number): string {
  const r = Math.max(0, Math.round(s));
  return r < 60 ? `${r}s` : `${Math.floor(r / 60)}m ${String(r % 60).padStart(2, '0')}s`;
}

/**
 * Progress of one long phase (dataset generation): `label: done/total (pct%), ETA …`. On a
 * terminal one line is redrawn in place (carriage return, no colour or cursor codes); otherwise
 * (a log file, CI) a plain line is printed every `everyMs`, so a log never goes silent for long.
 * Phases shorter than `delayMs` print nothing; a phase that printed ends with a `done in …` line.
 */
export class PhaseProgress {
  private count = 0;
  private readonly t0: number;
  private lastPrint = -Infinity;
  private printed = false;
  private width = 0;
  private readonly sink: ProgressSink | null;
  private readonly now: () => number;
  private readonly delayMs: number;
  private readonly everyMs: number;

  constructor(
    readonly label: string,
    readonly total: number,
    o: PhaseProgressOptions = {},
  ) {
    this.sink = o.sink === undefined ? defaultSink : o.sink;
    this.now = o.now ?? Date.now;
    this.delayMs = o.delayMs ?? 2000;
    this.everyMs = this.sink?.isTTY ? 250 : (o.everyMs ?? 15_000);
    this.t0 = this.now();
  }

  /** `n` more items done. */
  tick(n = 1): void {
    this.count += n;
    if (!this.sink) return;
    const t = this.now();
    if (t - this.t0 < this.delayMs || t - this.lastPrint < this.everyMs) return;
    this.lastPrint = t;
    const elapsed = (t - this.t0) / 1000;
    const eta = this.count > 0 ? (elapsed / this.count) * Math.max(0, this.total - this.count) : 0;
    const pct = this.total > 0 ? Math.floor((100 * this.count) / this.total) : 0;
    this.print(`${this.label}: ${this.count}/${this.total} (${pct}%), ETA ${formatSeconds(eta)}`);
  }

  /** The phase ended: a closing line if anything was printed (or the phase took longer than the delay). */
  done(): void {
    if (!this.sink) return;
    const elapsed = this.now() - this.t0;
    if (!this.printed && elapsed < this.delayMs) return;
    this.print(`${this.label}: ${this.count}/${this.total} done in ${formatSeconds(elapsed / 1000)}`);
    if (this.sink.isTTY) this.sink.write('\n');
  }

  private print(line: string): void {
    this.printed = true;
    if (this.sink!.isTTY) {
      this.sink!.write(`\r${line.padEnd(this.width)}`);
      this.width = line.length;
    } else this.sink!.write(`${line}\n`);
  }
}
