import { spawn, type ChildProcess } from 'node:child_process';
import net from 'node:net';
import path from 'node:path';
import { REPO_ROOT } from '../../paths.ts';

/** A free TCP port on 127.0.0.1 (asks the OS for one, then releases it). */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address() as net.AddressInfo;
      srv.close(() => resolve(port));
    });
  });
}

export interface StaticServer {
  url: string;
  close(): void;
}

/**
 * Serves `dir` with sirv-cli (the server `pnpm demo` runs) on 127.0.0.1 and a free port, in dev
 * mode (no file-list cache), and resolves once it answers HTTP (or rejects after `timeoutMs`).
 */
export async function serveStatic(dir: string, timeoutMs = 15_000): Promise<StaticServer> {
  const port = await freePort();
  const bin = path.join(REPO_ROOT, 'node_modules', '.bin', 'sirv');
  const child: ChildProcess = spawn(bin, [dir, '--dev', '--quiet', '--host', '127.0.0.1', '--port', String(port)], {
    stdio: 'ignore',
  });
  const url = `http://127.0.0.1:${port}/`;
  const close = () => {
    if (child.exitCode === null) child.kill();
  };
  const t0 = Date.now();
  for (;;) {
    if (child.exitCode !== null) throw new Error(`sirv exited with code ${child.exitCode} before serving ${dir}`);
    try {
      const r = await fetch(url);
      if (r.ok) return { url, close };
    } catch {
      // not listening yet
    }
    if (Date.now() - t0 > timeoutMs) {
      close();
      throw new Error(`sirv did not answer on ${url} within ${timeoutMs} ms`);
    }
    await new Promise((r) => setTimeout(r, 100));
  }
}
