import { spawn, spawnSync, type ChildProcessWithoutNullStreams } from 'node:child_process';
import path from 'node:path';
import readline from 'node:readline';
import { REPO_ROOT } from '../../paths.ts';

export const PYTHON = '/usr/bin/python3';
export const SERVER = path.join(REPO_ROOT, 'tools/reference/torch-timing/server.py');

/** The models the torch reference implements (tools/reference/torch-timing). */
export const TORCH_MODELS = ['scfnet-mbv3-x0.5', 'csnet-l-x1'] as const;

/** The torch side: `tools/reference/torch-timing/server.py`, one JSON line per request and reply. */
export class TorchServer {
  private readonly lines: AsyncIterator<string>;
  constructor(private readonly proc: ChildProcessWithoutNullStreams) {
    this.lines = readline.createInterface({ input: proc.stdout })[Symbol.asyncIterator]();
  }
  static start(threads: number): TorchServer {
    const env: NodeJS.ProcessEnv = {
      ...process.env,
      OPENBLAS_NUM_THREADS: String(threads),
      OMP_NUM_THREADS: String(threads),
      MKL_NUM_THREADS: String(threads),
    };
    delete env.OPENBLAS_CORETYPE; // TOOLCHAIN addendum: unset, torch is 5–15 % faster; compare with the faster figure
    const proc = spawn(PYTHON, [SERVER, '--threads', String(threads)], { cwd: path.dirname(SERVER), env });
    proc.stderr.on('data', (d: Buffer) => process.stderr.write(`[torch] ${d}`));
    return new TorchServer(proc);
  }
  async call(req: Record<string, unknown>): Promise<Record<string, unknown>> {
    this.proc.stdin.write(`${JSON.stringify(req)}\n`);
    const r = await this.lines.next();
    if (r.done) throw new Error('torch reference server exited early (see [torch] lines above)');
    const out = JSON.parse(r.value) as Record<string, unknown>;
    if (out.error) throw new Error(`torch reference server: ${String(out.error)}`);
    return out;
  }
  async quit(): Promise<void> {
    this.proc.stdin.end(`${JSON.stringify({ cmd: 'quit' })}\n`);
    await new Promise((res) => this.proc.once('exit', res));
  }
}

/** Why torch cannot be used here, or null when `/usr/bin/python3` imports torch. */
export function torchMissing(): string | null {
  const r = spawnSync(PYTHON, ['-c', 'import torch'], { encoding: 'utf8' });
  if (r.error) return `${PYTHON} not found (${r.error.message})`;
  if (r.status !== 0) return `${PYTHON} cannot import torch (install Debian's python3-torch)`;
  return null;
}
