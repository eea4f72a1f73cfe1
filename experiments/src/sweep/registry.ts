import { Registry } from '@kd/core';
import type { SweepExperiment } from '@kd/sweep';

/** Sweep experiments by name (also registered as runnable experiments by `registerSweep`). */
export const SWEEPS = new Registry<SweepExperiment>('sweep experiment');
