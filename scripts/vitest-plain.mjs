#!/usr/bin/env node
/**
 * `vitest` with colour only on a terminal. Vitest's colour library turns colour on whenever TERM
 * is not "dumb", so output redirected to a file or a CI log was full of escape codes; here
 * NO_COLOR is set when stdout is not a TTY (unless FORCE_COLOR asks for colour). Arguments pass
 * through: `node scripts/vitest-plain.mjs run [files…]`.
 */
import { spawn } from 'node:child_process';
import { createRequire } from 'node:module';
import path from 'node:path';

const require = createRequire(import.meta.url);
const bin = path.join(path.dirname(require.resolve('vitest/package.json')), 'vitest.mjs');
const env = { ...process.env };
if (!process.stdout.isTTY && !('FORCE_COLOR' in env)) env.NO_COLOR = '1';
const child = spawn(process.execPath, [bin, ...process.argv.slice(2)], { stdio: 'inherit', env });
child.on('exit', (code, signal) => process.exit(code ?? (signal ? 1 : 0)));
