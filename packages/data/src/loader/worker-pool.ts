import fs from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { Worker } from 'node:worker_threads';
import { DataError } from '@kd/core';
import type { Batch } from './batch.ts';
import type { BatchContext, BatchTask } from './build-batch.ts';

const require = createRequire(import.meta.url);

/**
 * Bootstrap code for a worker. From the built package (this module is `dist/…/worker-pool.js`)
 * it imports `batch-worker.js` directly. From the sources it registers tsx's ESM hooks in the
 * worker's own module system, then imports the TypeScript worker entry: workers start a fresh
 * module system, and `execArgv: ['--import', 'tsx']` does not reach a worker's entry module on
 * Node 20, so the hooks are registered from an eval'd script instead. This works the same under
 * the tsx CLI and under vitest.
 */
function workerBootstrap(): string {
  if (import.meta.url.endsWith('.js'))
    return `import(${JSON.stringify(new URL('./batch-worker.js', import.meta.url).href)});`;
  const entry = new URL('./batch-worker.ts', import.meta.url);
  let api: string;
  try {
    // tsx's ESM API (exports['./esm/api'].import): `register()` installs its hooks in this thread.
    const pkgFile = require.resolve('tsx/package.json');
    const rel = (
      JSON.parse(fs.readFileSync(pkgFile, 'utf8')) as { exports: Record<string, { import: { default: string } }> }
    ).exports['./esm/api'].import.default;
    api = pathToFileURL(path.join(path.dirname(pkgFile), rel)).href;
  } catch {
    throw new Error('the data loader needs tsx (installed at the repository root) to start worker threads');
  }
  return `import(${JSON.stringify(api)}).then((m) => { m.register(); return import(${JSON.stringify(entry.href)}); });`;
}

interface Pending {
  id: number;
  task: BatchTask;
  resolve: (b: Batch) => void;
  reject: (e: Error) => void;
}

/**
 * `n` worker threads building batches (`batch-worker.ts`), one task at a time each; extra tasks
 * wait in FIFO order. A worker's DataError is re-thrown here with its file.
 */
export class BatchWorkerPool {
  private readonly workers: Worker[] = [];
  private readonly idle: Worker[] = [];
  private readonly queue: Pending[] = [];
  private readonly running = new Map<Worker, Pending>();
  private nextId = 0;
  private closed = false;

  constructor(n: number, ctx: BatchContext) {
    const code = workerBootstrap();
    for (let i = 0; i < n; i++) {
      const w = new Worker(code, { eval: true, workerData: ctx });
      w.on(
        'message',
        (msg: {
          id: number;
          batch?: Batch;
          error?: { name: string; message: string; file?: string; stack?: string };
        }) => this.onMessage(w, msg),
      );
      w.on('error', (e) => this.onCrash(w, e));
      w.on('exit', (code) => {
        if (!this.closed) this.onCrash(w, new Error(`loader worker exited with code ${code}`));
      });
      w.unref();
      this.workers.push(w);
      this.idle.push(w);
    }
  }

  run(task: BatchTask): Promise<Batch> {
    if (this.closed) return Promise.reject(new Error('BatchWorkerPool: closed'));
    return new Promise((resolve, reject) => {
      this.queue.push({ id: this.nextId++, task, resolve, reject });
      this.pump();
    });
  }

  private pump(): void {
    while (this.idle.length && this.queue.length) {
      const w = this.idle.shift()!;
      const p = this.queue.shift()!;
      this.running.set(w, p);
      w.ref();
      w.postMessage({ id: p.id, task: p.task });
    }
  }

  private onMessage(
    w: Worker,
    msg: { id: number; batch?: Batch; error?: { name: string; message: string; file?: string; stack?: string } },
  ): void {
    const p = this.running.get(w);
    if (!p || p.id !== msg.id) return;
    this.running.delete(w);
    w.unref();
    this.idle.push(w);
    if (msg.error) {
      const e =
        msg.error.name === 'DataError'
          ? new DataError(stripFile(msg.error.message, msg.error.file), msg.error.file)
          : new Error(msg.error.message);
      if (msg.error.name !== 'DataError' && msg.error.stack) e.stack = msg.error.stack;
      p.reject(e);
    } else p.resolve(msg.batch!);
    this.pump();
  }

  private onCrash(w: Worker, e: Error): void {
    const p = this.running.get(w);
    this.running.delete(w);
    if (p) p.reject(e);
  }

  async close(): Promise<void> {
    this.closed = true;
    for (const p of this.queue.splice(0)) p.reject(new Error('BatchWorkerPool: closed'));
    // A task a worker is still building when it is terminated would otherwise never settle, and a
    // caller awaiting it (a stage that stopped mid-epoch, --smoke) would hang until Node gives up.
    for (const p of this.running.values()) p.reject(new Error('BatchWorkerPool: closed'));
    this.running.clear();
    // Workers are unref'd so an idle pool never keeps the process alive; while we wait for them
    // to exit they must be ref'd, or Node may see no live handle and exit (code 0) mid-await.
    await Promise.all(
      this.workers.map((w) => {
        w.ref();
        return w.terminate();
      }),
    );
  }
}

const stripFile = (message: string, file?: string) =>
  file && message.startsWith(`${file}: `) ? message.slice(file.length + 2) : message;
