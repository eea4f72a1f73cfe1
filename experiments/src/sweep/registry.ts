import { Registry } from '@kd/core';
import type { SweepExperiment } from './sweep-experiment.ts';

/** Sweep experiments by name (also registered as runnable experiments by `registerSweep`). */
export const SWEEPS = new Registry<SweepExperiment>('sweep experiment');
