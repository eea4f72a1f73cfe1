// Post-install: make @tensorflow/tfjs-node-gpu usable where its native binary can be fetched.
// pnpm never runs that package's own install script (it downloads libtensorflow from a host that
// offline machines cannot reach), so we run it here, quietly, and say one line about the outcome.
// Set KD_SKIP_NATIVE=1 to skip the attempt entirely.
import { spawnSync } from 'node:child_process';
import { createRequire } from 'node:module';
import fs from 'node:fs';
import path from 'node:path';

const require = createRequire(path.resolve('packages/core/package.json'));
const pkg = '@tensorflow/tfjs-node-gpu';
let dir;
try { dir = path.dirname(require.resolve(`${pkg}/package.json`)); } catch { process.exit(0); }
const lib = path.join(dir, 'lib');
const hasBinding = () => fs.existsSync(lib) && fs.readdirSync(lib).some((d) => fs.existsSync(path.join(lib, d, 'tfjs_binding.node')));
if (hasBinding() || process.env.KD_SKIP_NATIVE === '1') process.exit(0);
const r = spawnSync(process.execPath, ['scripts/install.js', 'gpu', 'download'], { cwd: dir, encoding: 'utf8', timeout: 600_000 });
if (r.status === 0 && hasBinding()) console.log(`kdlab: ${pkg} native binding installed; backend 'tensorflow' (GPU) will be used.`);
else console.log(`kdlab: ${pkg} native binding unavailable here (its binary host is unreachable); the wasm backend will be used.`);
