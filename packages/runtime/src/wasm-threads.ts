import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createRequire } from 'node:module';
import * as tf from '@tensorflow/tfjs';
import * as wasm from '@tensorflow/tfjs-backend-wasm';
import { writeFileAtomic } from '@kd/core';

const require = createRequire(import.meta.url);

/**
 * Multi-threaded tfjs-backend-wasm under Node. tfjs 4.22 hard-codes the multithread flag to
 * false in Node, creates its pthread worker from a blob: URL (Node's Worker needs a file path),
 * and the C++ side caps threads at cores/2. We write the worker script to a temp file, answer
 * the blob URL with that path, report enough cores during start-up, and unref the workers so
 * they do not keep the process alive. Must run before the wasm backend is first initialised.
 */
export async function initWasmThreaded(threads: number): Promise<boolean> {
  const pkgDir = path.dirname(require.resolve('@tensorflow/tfjs-backend-wasm/package.json'));
  const { wasmWorkerContents } = require(path.join(pkgDir, 'wasm-out/tfjs-backend-wasm-threaded-simd.worker.js'));
  const mainJs = path.join(pkgDir, 'wasm-out/tfjs-backend-wasm-threaded-simd.js');
  const workerFile = path.join(os.tmpdir(), `kdlab-wasm-pthread-${process.pid}.cjs`);
  writeFileAtomic(
    workerFile,
    String(wasmWorkerContents).replace(/\n/g, '\\n') +
      `\n;global.importScripts=function(){(0,eval)(require('fs').readFileSync(${JSON.stringify(mainJs)},'utf8'))};\n`,
  );
  process.on('exit', () => {
    try {
      fs.unlinkSync(workerFile);
    } catch {
      /* already gone */
    }
  });
  const origURL = URL.createObjectURL.bind(URL);
  const origCpus = os.cpus;
  URL.createObjectURL = (b: Blob) => (b && b.type === 'application/javascript' ? workerFile : origURL(b));
  (os as { cpus: typeof os.cpus }).cpus = () => {
    const c = origCpus();
    while (c.length < 2 * threads) c.push(c[0]);
    return c;
  };
  try {
    tf.env().set('WASM_HAS_MULTITHREAD_SUPPORT', true);
    wasm.setThreadsCount(threads);
    const ok = await tf.setBackend('wasm');
    await tf.ready();
    const pthread = (
      tf.backend() as unknown as {
        wasm?: { PThread?: { unusedWorkers: { unref(): void }[]; runningWorkers: { unref(): void }[] } };
      }
    ).wasm?.PThread;
    if (pthread) for (const w of [...pthread.unusedWorkers, ...pthread.runningWorkers]) w.unref();
    return ok;
  } finally {
    (os as { cpus: typeof os.cpus }).cpus = origCpus;
    URL.createObjectURL = origURL;
  }
}
