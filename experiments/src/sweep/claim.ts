import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

/** How often a live claim refreshes its file's mtime, and when a silent claim counts as abandoned. */
export const HEARTBEAT_MS = 20_000;
export const STALE_AFTER_MS = 120_000;

interface ClaimRecord {
  pid: number;
  host: string;
}

/**
 * An exclusive claim on a piece of work (a sweep run, a teacher to train) shared by processes
 * that see the same folder: local `--jobs` workers, or shards on a shared disk. The claim is a
 * file created with O_EXCL holding `{pid, host}`; its holder touches it every 20 s. A claim is
 * abandoned — and may be taken over — when its holder is a dead process on this host, or when
 * it has not been touched for 2 min (a holder on another host that died).
 */
export class Claim {
  private timer: NodeJS.Timeout;

  private constructor(readonly file: string) {
    this.timer = setInterval(() => {
      const now = new Date();
      try { fs.utimesSync(file, now, now); } catch { /* released or taken over */ }
    }, HEARTBEAT_MS);
    this.timer.unref();
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
    fs.rmSync(this.file, { force: true });
  }
}

/** True when the claim file's holder is gone (see {@link Claim}); false while it may still work. */
export function isAbandoned(file: string): boolean {
  let stat: fs.Stats, record: ClaimRecord;
  try {
    stat = fs.statSync(file);
    record = JSON.parse(fs.readFileSync(file, 'utf8')) as ClaimRecord;
  } catch {
    // Vanished, or caught between create and write: treat a fresh empty file as live.
    return !fs.existsSync(file) || Date.now() - fs.statSync(file).mtimeMs > STALE_AFTER_MS;
  }
  if (record.host === os.hostname() && !processAlive(record.pid)) return true;
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
