/**
 * Loader worker entry (a worker thread; started by `BatchWorkerPool`, with tsx loaded when run from the sources).
 * Receives its `BatchContext` as workerData, then `{ id, task }` messages one at a time, and
 * answers `{ id, batch }` (buffers transferred) or `{ id, error }`.
 */
import { parentPort, workerData } from 'node:worker_threads';
import '../dataset/register-kinds.ts';
import { buildBatch, type BatchContext, type BatchTask } from './build-batch.ts';
import { batchTransferables } from './batch.ts';

const ctx = workerData as BatchContext;
parentPort!.on('message', async ({ id, task }: { id: number; task: BatchTask }) => {
  try {
    const batch = await buildBatch(ctx, task);
    parentPort!.postMessage({ id, batch }, batchTransferables(batch));
  } catch (e) {
    const err = e as Error & { file?: string };
    parentPort!.postMessage({ id, error: { name: err.name, message: err.message, file: err.file, stack: err.stack } });
  }
});
