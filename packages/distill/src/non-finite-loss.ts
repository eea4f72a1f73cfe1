/** Thrown when a step's loss is NaN or infinite; carries the step so a sweep can record it. */
export class NonFiniteLossError extends Error {
  constructor(readonly step: number, readonly value: number) {
    super(`loss became ${value} at step ${step}`);
    this.name = 'NonFiniteLossError';
  }
}
