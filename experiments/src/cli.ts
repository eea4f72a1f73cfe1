#!/usr/bin/env node
import yargs from 'yargs';
import { hideBin } from 'yargs/helpers';
import { DataError, UsageError } from '@kd/core';
import { commands } from './commands/index.ts';

/**
 * `pnpm exp <command>`: one yargs command per file in ./commands. Usage errors (bad flag values,
 * unknown names) print one line and exit 2 before anything is written; bad input data
 * (DataError, naming the file) prints one line and exits 1.
 */
let finished = false;
// Safety net: if the event loop drains while a command is still awaiting something, Node would
// exit with code 0 and no output. Make that a loud failure instead.
process.on('beforeExit', (code) => {
  if (!finished && code === 0) {
    console.error('error: internal: the command stopped without finishing (an awaited operation never settled)');
    process.exit(70);
  }
});

async function main(): Promise<void> {
  let cli = yargs(hideBin(process.argv))
    .scriptName('pnpm exp')
    .strict()
    .demandCommand(1, 'name a command (see --help)')
    .recommendCommands()
    .help()
    .wrap(Math.min(120, process.stdout.columns ?? 100))
    .fail((msg, err) => {
      throw err ?? new UsageError(msg);
    });
  for (const c of commands) cli = cli.command(c);
  await cli.parseAsync();
  finished = true;
}

main().catch((err: unknown) => {
  finished = true;
  if (err instanceof UsageError || (err instanceof Error && err.name === 'YError')) {
    console.error(`error: ${(err as Error).message}`);
    process.exit(2);
  }
  if (err instanceof DataError) {
    console.error(`error: ${err.message}`);
    process.exit(1);
  }
  console.error(err instanceof Error ? (err.stack ?? err.message) : String(err));
  process.exit(1);
});
