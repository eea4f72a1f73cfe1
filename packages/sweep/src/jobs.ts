import { spawn, type ChildProcess } from 'node:child_process';

/** `argv` without any `--name X` / `--name=X` occurrence. */
export function withoutFlag(argv: readonly string[], name: string): string[] {
  const out: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    if (argv[i] === `--${name}`) {
      i++;
      continue;
    }
    if (argv[i].startsWith(`--${name}=`)) continue;
    out.push(argv[i]);
  }
  return out;
}

/**
 * Runs `jobs` copies of this CLI invocation (`argv` = the user's arguments) as child processes
 * with `--jobs 1`, all on the same out folder. They share the sweep's runs through claims (see
 * run-sweep) and its teachers through the teacher store, so N jobs on N cores give ~N× the
 * throughput of one. Each child's stderr is forwarded line by line with a `[job k]` prefix;
 * SIGINT/SIGTERM to this process are passed on. Resolves when all have exited; rejects naming
 * the jobs that failed (their finished runs stay valid and a rerun resumes).
 */
export async function runJobs(jobs: number, argv: readonly string[]): Promise<void> {
  const args = [...process.execArgv, process.argv[1], ...withoutFlag(argv, 'jobs'), '--jobs', '1'];
  const children: ChildProcess[] = [];
  const forward = (signal: NodeJS.Signals) => () => {
    for (const c of children) c.kill(signal);
  };
  const onInt = forward('SIGINT'),
    onTerm = forward('SIGTERM');
  process.on('SIGINT', onInt);
  process.on('SIGTERM', onTerm);
  try {
    const codes = await Promise.all(
      Array.from(
        { length: jobs },
        (_, k) =>
          new Promise<number>((resolve, reject) => {
            const child = spawn(process.execPath, args, {
              stdio: ['ignore', 'ignore', 'pipe'],
              env: { ...process.env, KD_JOB: String(k) },
            });
            children.push(child);
            let pending = '';
            child.stderr!.setEncoding('utf8');
            child.stderr!.on('data', (chunk: string) => {
              const lines = (pending + chunk).split(/\r?\n|\r/);
              pending = lines.pop()!;
              for (const line of lines) if (line.trim()) process.stderr.write(`[job ${k}] ${line}\n`);
            });
            child.on('error', reject);
            child.on('close', (code, signal) => {
              if (pending.trim()) process.stderr.write(`[job ${k}] ${pending}\n`);
              resolve(code ?? (signal ? 128 : 1));
            });
          }),
      ),
    );
    const failed = codes.map((c, k) => [k, c]).filter(([, c]) => c !== 0);
    if (failed.length)
      throw new Error(
        `--jobs ${jobs}: ${failed.map(([k, c]) => `job ${k} exited with code ${c}`).join(', ')}; finished runs are kept, rerun to resume`,
      );
  } finally {
    process.off('SIGINT', onInt);
    process.off('SIGTERM', onTerm);
  }
}
