import type { Argv } from 'yargs';
import { assertOneOf, parseIntFlag } from '@kd/core';
import { BACKEND_CHOICES, type BackendChoice } from '@kd/runtime';

/** The `--backend` and `--threads` flags as yargs parses them (strings; checked by `backendOptions`). */
export interface BackendFlags {
  backend?: string;
  threads?: string;
}

/** Adds `--backend` and `--threads` (defaults KD_BACKEND / KD_THREADS, read by `initBackend`) to a command. */
export function withBackendFlags<T>(y: Argv<T>): Argv<T & BackendFlags> {
  return y
    .option('backend', { type: 'string', describe: `${BACKEND_CHOICES.join('|')} (default KD_BACKEND or auto)` })
    .option('threads', { type: 'string', describe: 'wasm threads (default KD_THREADS or 1)' });
}

/**
 * The flags checked up front (a bad value is a UsageError naming the flag, before any work) and
 * ready for `initBackend`; unset flags stay undefined so the environment defaults apply.
 */
export function backendOptions(flags: BackendFlags): { backend?: BackendChoice; threads?: number } {
  return {
    backend: flags.backend === undefined ? undefined : assertOneOf('--backend', flags.backend, BACKEND_CHOICES),
    threads: flags.threads === undefined ? undefined : parseIntFlag('--threads', flags.threads, { min: 1 }),
  };
}
