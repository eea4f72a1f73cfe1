/**
 * Errors users see. Each names the flag, file or tensor at fault and what was expected.
 * `UsageError` is a bad command line or config value (CLI exit code 2, nothing written);
 * `DataError` is bad input data (a file, a list entry, a tensor shape).
 */
export class UsageError extends Error {
  readonly exitCode = 2;
  constructor(message: string) {
    super(message);
    this.name = 'UsageError';
  }
}

export class DataError extends Error {
  constructor(
    message: string,
    readonly file?: string,
  ) {
    super(file ? `${file}: ${message}` : message);
    this.name = 'DataError';
  }
}

/** Throws a UsageError naming `flag` and the accepted `values` unless `value` is one of them. */
export function assertOneOf<T extends string>(flag: string, value: string, values: readonly T[]): T {
  if (!(values as readonly string[]).includes(value)) {
    throw new UsageError(`${flag}: unknown value '${value}'; expected one of: ${values.join(', ')}`);
  }
  return value as T;
}

/** Parses an integer flag value or throws a UsageError naming the flag. */
export function parseIntFlag(flag: string, value: unknown, { min = -Infinity } = {}): number {
  const s = String(value).trim();
  if (!/^-?\d+$/.test(s) || Number(s) < min) {
    throw new UsageError(`${flag}: expected an integer${min > -Infinity ? ` >= ${min}` : ''}, got '${String(value)}'`);
  }
  return Number(s);
}

/** Thrown when a step's loss is NaN or infinite; carries the step so a sweep can record it. */
export class NonFiniteLossError extends Error {
  constructor(
    readonly step: number,
    readonly value: number,
  ) {
    super(`loss became ${value} at step ${step}`);
    this.name = 'NonFiniteLossError';
  }
}

/**
 * A run that cannot go ahead now because another process holds something it needs (e.g. is
 * training its teacher); the sweep engine runs something else first and comes back to it.
 */
export class DeferredError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'DeferredError';
  }
}
