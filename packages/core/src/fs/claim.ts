import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

/** How often a live claim refreshes its file's mtime, and when a silent claim of another host counts as abandoned. */
export const HEARTBEAT_MS = 20_000;
export const STALE_AFTER_MS = 600_000;

/** Claims this process holds (refreshed together by {@link touchHeldClaims}). */
const held = new Set<Claim>();
let lastTouch = 0;

/**
 * Refreshes every claim this process holds, at most once per heartbeat period. The interval
 * timer cannot fire while a training step keeps the event loop busy, so the sweep also calls
 * this from each run's per-step log.
 */
export function touchHeldClaims(now = Date.now()): void {
  if (now - lastTouch < HEARTBEAT_MS) return;
  lastTouch = now;
  for (const c of held) c.touch();
}

interface ClaimRecord {
  pid: number;
  host: string;
}

/**
 * An exclusive claim on a piece of work (a sweep run, a teacher to train) shared by processes
 * that see the same folder: local `--jobs` workers, or shards on a shared disk. The claim is a
 * file created with O_EXCL holding `{pid, host}`. A claim is abandoned — and may be taken over —
 * when its holder is a dead process on this host (checked with signal 0: exact, whatever the
 * holder is doing), or, for a holder on another host, when the file has not been touched for
 * 10 min (its holder refreshes it every 20 s: timer and per-step log, see touchHeldClaims).
 */
export class Claim {
  private timer: NodeJS.Timeout;

  private constructor(readonly file: string) {
    this.timer = setInterval(() => this.touch(), HEARTBEAT_MS);
    this.timer.unref();
    held.add(this);
  }

  touch(): void {
    const now = new Date();
    try {
      fs.utimesSync(this.file, now, now);
    } catch {
      /* released or taken over */
    }
  }

  /** Takes the claim, or returns null when a live process holds it. */
  static tryTake(file: string): Claim | null {
    fs.mkdirSync(path.dirname(file), { recursive: true });
    for (let attempt = 0; attempt < 2; attempt++) {
      try {
        const fd = fs.openSync(file, 'wx');
        fs.writeSync(fd, JSON.stringify({ pid: process.pid, host: os.hostname() } satisfies ClaimRecord));
        fs.closeSync(fd);
        return new Claim(file);
      } catch (e) {
        if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e;
        if (!isAbandoned(file)) return null;
        fs.rmSync(file, { force: true });
      }
    }
    return null;
  }

  release(): void {
    clearInterval(this.timer);
    held.delete(this);
    fs.rmSync(this.file, { force: true });
  }
}

/** True when the claim file's holder is gone (see {@link Claim}); false while it may still work. */
export function isAbandoned(file: string): boolean {
  let stat: fs.Stats;
  try {
    stat = fs.statSync(file);
  } catch {
    return true; // released meanwhile
  }
  let record: ClaimRecord | null = null;
  try {
    record = JSON.parse(fs.readFileSync(file, 'utf8')) as ClaimRecord;
  } catch {
    /* caught between create and write */
  }
  if (record?.host === os.hostname()) return !processAlive(record.pid);
  return Date.now() - stat.mtimeMs > STALE_AFTER_MS;
}

function processAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}

export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
