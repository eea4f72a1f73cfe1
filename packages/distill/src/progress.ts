import cliProgress from 'cli-progress';

/** A progress bar with ETA on a terminal; one line per `every` steps otherwise (CI logs). */
export interface Progress {
  update(step: number, info: Record<string, string | number>): void;
  stop(): void;
}

export function createProgress(label: string, total: number, enabled = true): Progress {
  if (!enabled) return { update() {}, stop() {} };
  if (process.stderr.isTTY) {
    const bar = new cliProgress.SingleBar(
      {
        format: `${label} [{bar}] {value}/{total} | ETA {eta_formatted} | loss {loss}`,
        stream: process.stderr,
        hideCursor: true,
      },
      cliProgress.Presets.shades_classic,
    );
    bar.start(total, 0, { loss: '-' });
    return { update: (s, info) => bar.update(s, info), stop: () => bar.stop() };
  }
  // Not a terminal (a log file, CI): the first step, every fifth of the run, and at least every 30 s.
  const every = Math.max(1, Math.floor(total / 5));
  const t0 = Date.now();
  let last = -Infinity;
  return {
    update: (s, info) => {
      if (s !== 1 && s % every !== 0 && s !== total && Date.now() - last < 30_000) return;
      last = Date.now();
      const eta = s > 0 ? (((Date.now() - t0) / s) * (total - s)) / 1000 : 0;
      process.stderr.write(`${label} ${s}/${total} loss ${info.loss} ETA ${eta.toFixed(0)}s\n`);
    },
    stop: () => {},
  };
}
