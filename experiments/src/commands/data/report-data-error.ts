import { DataError } from '@kd/core';

/**
 * Runs a data command body; a DataError (bad input file) prints one line naming the file and
 * sets exit code 1 instead of a stack trace. Other errors propagate.
 */
export async function reportDataErrors(body: () => Promise<void>): Promise<void> {
  try {
    await body();
  } catch (e) {
    if (!(e instanceof DataError)) throw e;
    console.error(`error: ${e.message}`);
    process.exitCode = 1;
  }
}
