// The packages as a user meets them: `pnpm pack` @kd/core, @kd/runtime, @kd/nn, @kd/losses and @kd/models (their
// `prepack` builds dist/ with .d.ts), install the tarballs into a fresh project with plain npm
// (tfjs 4.22 comes from the registry as the peer), compile consumer/main.ts with the `tsc --init`
// NodeNext settings and run it with plain node. Needs the npm registry (or a warm npm cache).
import { execFile, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const HERE = path.dirname(fileURLToPath(import.meta.url));
const REPO = path.resolve(HERE, '../..');
/** core ← runtime ← nn ← {losses, models}: the chain is packed in order (each prepack's `tsc -b` builds its
 * references), then losses and models side by side. */
const CHAIN = ['core', 'runtime', 'nn'] as const;
const LEAVES = ['losses', 'models'] as const;
const execFileP = promisify(execFile);
let tmp = '';

beforeAll(() => {
  tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'kdlab-pack-'));
});
afterAll(() => {
  if (!tmp) return;
  const t0 = performance.now();
  fs.rmSync(tmp, { recursive: true, force: true });
  console.log(`pack-install: removed ${tmp} in ${((performance.now() - t0) / 1000).toFixed(1)} s`);
});

/** The environment without vitest's/pnpm's loader flags and npm_config_* settings. */
function cleanEnv(): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [k, v] of Object.entries(process.env)) {
    if (k === 'NODE_OPTIONS' || k.startsWith('npm_') || k.startsWith('VITEST') || k === 'NODE_ENV') continue;
    env[k] = v;
  }
  return env;
}

/** Runs a command; on failure throws one line naming it, then the tail of its output. */
async function run(
  cmd: string,
  args: string[],
  cwd: string,
  timeoutMs: number,
): Promise<{ out: string; seconds: number }> {
  const t0 = performance.now();
  try {
    const r = await execFileP(cmd, args, {
      cwd,
      env: cleanEnv(),
      encoding: 'utf8',
      timeout: timeoutMs,
      maxBuffer: 64 << 20,
    });
    return { out: `${r.stdout}${r.stderr}`, seconds: (performance.now() - t0) / 1000 };
  } catch (e) {
    const err = e as Error & { stdout?: string; stderr?: string; code?: number | string; signal?: string };
    const why =
      typeof err.code === 'number'
        ? `exit code ${err.code}`
        : err.signal
          ? `killed (${err.signal})`
          : err.message.split('\n')[0];
    throw new Error(
      `\`${cmd} ${args.join(' ')}\` in ${cwd} failed: ${why}\n${`${err.stdout ?? ''}${err.stderr ?? ''}`.slice(-4000)}`,
    );
  }
}

/** pnpm as the running `pnpm test` invoked it, else the version pinned in packageManager via npx. */
function pnpm(): [string, string[]] {
  const exec = process.env.npm_execpath;
  if (exec && /pnpm/.test(path.basename(exec)) && /\.c?js$/.test(exec)) return [process.execPath, [exec]];
  const pm = JSON.parse(fs.readFileSync(path.join(REPO, 'package.json'), 'utf8')).packageManager as string;
  return ['npx', ['--yes', pm]];
}

/** The package.json inside a tarball. */
async function manifestOf(tgz: string): Promise<Record<string, any>> {
  return JSON.parse((await run('tar', ['-xzOf', tgz, 'package/package.json'], tmp, 30_000)).out);
}

/** Every installed copy of a package (nested node_modules included). */
function copiesOf(root: string, name: string): string[] {
  const found: string[] = [];
  const walk = (nm: string): void => {
    if (!fs.existsSync(nm)) return;
    if (fs.existsSync(path.join(nm, name, 'package.json'))) found.push(path.join(nm, name));
    for (const e of fs.readdirSync(nm)) {
      const dirs = e.startsWith('@')
        ? fs.readdirSync(path.join(nm, e)).map((s) => path.join(nm, e, s))
        : [path.join(nm, e)];
      for (const d of dirs) walk(path.join(d, 'node_modules'));
    }
  };
  walk(path.join(root, 'node_modules'));
  return found;
}

describe('packed @kd/core, @kd/runtime, @kd/nn, @kd/losses, @kd/models in a plain npm + tsc NodeNext project', () => {
  it('install, compile and run: the loss matches its golden, the model gives its taps, one tfjs loads', async () => {
    const timings: Record<string, number> = {};
    const packs = path.join(tmp, 'packs');
    fs.mkdirSync(packs);
    const [pnpmCmd, pnpmArgs] = pnpm();
    const pack = async (p: string): Promise<string> => {
      const dir = path.join(REPO, 'packages', p);
      const { version } = JSON.parse(fs.readFileSync(path.join(dir, 'package.json'), 'utf8')) as { version: string };
      timings[`pack ${p}`] = (
        await run(pnpmCmd, [...pnpmArgs, 'pack', '--pack-destination', packs], dir, 300_000)
      ).seconds;
      const tgz = path.join(packs, `kd-${p}-${version}.tgz`);
      expect(fs.existsSync(tgz), `${tgz} was not written by pnpm pack`).toBe(true);
      const m = await manifestOf(tgz);
      expect(JSON.stringify(m)).not.toContain('workspace:');
      expect(m.exports['.']).toEqual({ types: './dist/index.d.ts', import: './dist/index.js' });
      expect(m.dependencies?.['@tensorflow/tfjs']).toBeUndefined();
      // @kd/core holds no tensors: no tfjs at all; every other room takes tfjs as a peer.
      if (p === 'core') expect(JSON.stringify(m)).not.toContain('@tensorflow/');
      else expect(m.peerDependencies['@tensorflow/tfjs']).toBeTruthy();
      if (p !== 'core') expect(m.dependencies['@kd/core']).toMatch(/^\^\d+\.\d+\.\d+$/);
      return tgz;
    };
    const tarballs: string[] = [];
    for (const p of CHAIN) tarballs.push(await pack(p));
    tarballs.push(...(await Promise.all(LEAVES.map(pack))));

    const app = path.join(tmp, 'app');
    fs.cpSync(path.join(HERE, 'consumer'), app, { recursive: true });
    const g = JSON.parse(fs.readFileSync(path.join(REPO, 'packages/losses/src/goldens/baselines.json'), 'utf8'));
    fs.writeFileSync(
      path.join(app, 'inputs.ts'),
      `export const student: number[][][][] = ${JSON.stringify(g.student)};\nexport const teacher: number[][][][] = ${JSON.stringify(g.teacher)};\n`,
    );
    // None of ours has an install script or needs an optional dependency; leaving out @kd/runtime's
    // optional native backends (tfjs-node-gpu downloads libtensorflow, webgpu is 130 MB) keeps
    // the install to what a loss or a model needs.
    const npmArgs = ['install', '--ignore-scripts', '--omit=optional', '--no-audit', '--no-fund', '--prefer-offline'];
    timings['npm install'] = (await run('npm', [...npmArgs, ...tarballs], app, 300_000)).seconds;
    for (const f of ['kernels.wasm', 'kernels-shared.wasm']) {
      expect(
        fs.existsSync(path.join(app, 'node_modules/@kd/runtime/dist/wasm-kernels', f)),
        `@kd/runtime tarball lacks dist/wasm-kernels/${f}`,
      ).toBe(true);
    }
    expect(copiesOf(app, '@tensorflow/tfjs-core')).toHaveLength(1);

    const tsc = path.join(REPO, 'node_modules/typescript/bin/tsc');
    timings['tsc'] = (await run(process.execPath, [tsc, '-p', app], app, 300_000)).seconds;

    const t0 = performance.now();
    const r = spawnSync(process.execPath, [path.join(app, 'out/main.js')], {
      cwd: app,
      env: cleanEnv(),
      encoding: 'utf8',
      timeout: 120_000,
    });
    timings['node'] = (performance.now() - t0) / 1000;
    const out = `${r.stdout}${r.stderr}`;
    expect(r.status, out.slice(-4000)).toBe(0);
    expect(out).not.toMatch(/already registered/i);
    const res = JSON.parse(r.stdout.trim().split('\n').at(-1)!);
    const want = g.expected.cwd_T4 as number;
    expect(Math.abs(res.loss - want), `cwd T=4: got ${res.loss}, golden ${want}`).toBeLessThanOrEqual(
      1e-7 + 1e-5 * Math.abs(want),
    );
    expect(res.backend).toMatch(/^wasm(-simd)?-2t$/);
    expect(res.output).toEqual([1, 32, 32, 1]);
    expect(res.taps).toEqual({ s2: [1, 8, 8, 16], s4: [1, 2, 2, 64] });
    expect(res.gradFinite).toBe(true);
    expect(res.gradNonZero).toBe(true);
    console.log(
      `pack-install: ${Object.entries(timings)
        .map(([k, s]) => `${k} ${s.toFixed(1)} s`)
        .join(', ')}`,
    );
  }, 600_000);
});
