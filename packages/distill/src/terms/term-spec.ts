import type { TermSpec } from '@kd/core';

export type { TermSpec };

/** A spec's tap field as a list. */
export const tapList = (t: TermSpec['student']): string[] => (typeof t === 'string' ? [t] : [...t]);
