import { spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

/**
 * scripts/install-native.mjs (the post-install of @tensorflow/tfjs-node-gpu) against a stub
 * server on 127.0.0.1: a fake libtensorflow tarball and a fake prebuilt addon. The package is
 * copied to a temp dir (its scripts, binding sources and package.json), so the installed one is
 * never touched; the child gets a bare PATH (/usr/bin:/bin), as a pnpm 10 post-install does, so
 * finding node-pre-gyp is the script's own doing.
 */
const here = path.dirname(fileURLToPath(import.meta.url));
const script = path.resolve(here, '../../../scripts/install-native.mjs');
const require = createRequire(import.meta.url);

let realPkg: string | null = null;
try {
  realPkg = fs.realpathSync(path.dirname(require.resolve('@tensorflow/tfjs-node-gpu/package.json')));
} catch {
  realPkg = null;
}
const hasTar = spawnSync('tar', ['--version']).status === 0;
const canCompile = ['/usr/bin/make', '/usr/bin/g++'].every((f) => fs.existsSync(f));
const skip = !realPkg ? 'the optional @tensorflow/tfjs-node-gpu is not installed' : !hasTar ? 'no tar on PATH' : '';

const LIB = 'libtensorflow-gpu-linux-x86_64-2.9.1.tar.gz';
const ADDON = 'GPU-linux-4.22.0.tar.gz';
let tmp = '';
let port = 0;
let server: http.Server;
const requests: string[] = [];
const serve = { lib: true, addon: true };

/** A gzip tarball of `files` (relative path → content) at `out`. */
function tarball(out: string, files: Record<string, string>): void {
  const dir = fs.mkdtempSync(path.join(tmp, 'src-'));
  for (const [rel, body] of Object.entries(files)) {
    fs.mkdirSync(path.dirname(path.join(dir, rel)), { recursive: true });
    fs.writeFileSync(path.join(dir, rel), body);
  }
  const r = spawnSync('tar', ['-czf', out, '-C', dir, ...fs.readdirSync(dir)]); // no './' entry: node-pre-gyp strips one level
  if (r.status !== 0) throw new Error(`tar -czf ${out}: ${r.stderr}`);
}

/** A fresh copy of the package (what its install reads and writes), node-pre-gyp in its .bin. */
function copyPackage(): string {
  const dir = fs.mkdtempSync(path.join(tmp, 'pkg-'));
  for (const f of ['scripts', 'binding', 'binding.gyp', 'package.json'])
    fs.cpSync(path.join(realPkg!, f), path.join(dir, f), { recursive: true });
  const preGyp = path.join(
    path.dirname(require.resolve('@mapbox/node-pre-gyp/package.json', { paths: [realPkg!] })),
    'bin',
    'node-pre-gyp',
  );
  fs.mkdirSync(path.join(dir, 'node_modules', '.bin'), { recursive: true });
  fs.symlinkSync(preGyp, path.join(dir, 'node_modules', '.bin', 'node-pre-gyp'));
  return dir;
}

/** Runs the post-install on `pkgDir` with a bare environment plus `extra`; resolves with its output. */
function runInstall(pkgDir: string, extra: Record<string, string>): Promise<{ code: number | null; out: string }> {
  const env: Record<string, string> = {
    PATH: '/usr/bin:/bin',
    HOME: tmp,
    NODE_PATH: path.resolve(realPkg!, '..', '..'), // the copy's require('tar'), require('rimraf'), …
    KD_NATIVE_PACKAGE_DIR: pkgDir,
    TFJS_NODE_BASE_URI: `http://127.0.0.1:${port}/tf/libtensorflow-`,
    npm_config_tfjs_binding_binary_host_mirror: `http://127.0.0.1:${port}/addon/`,
    ...extra,
  };
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [script], { env, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    child.stdout.on('data', (d) => (out += d));
    child.stderr.on('data', (d) => (out += d));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, out }));
  });
}

const binding = (pkgDir: string) => {
  const lib = path.join(pkgDir, 'lib');
  return fs.existsSync(lib)
    ? fs
        .readdirSync(lib)
        .map((d) => path.join(lib, d, 'tfjs_binding.node'))
        .filter((f) => fs.existsSync(f))
    : [];
};

describe.skipIf(skip)(`install-native.mjs against a stub mirror${skip ? ` (skipped: ${skip})` : ''}`, () => {
  beforeAll(async () => {
    tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'kd-native-'));
    tarball(path.join(tmp, LIB), {
      'lib/libtensorflow.so.2.9.1': 'stub-lib',
      'lib/libtensorflow_framework.so.2.9.1': 'stub-fw',
      'include/tensorflow/c/c_api.h': '// stub\n',
    });
    tarball(path.join(tmp, ADDON), { 'napi-v8/tfjs_binding.node': 'stub-addon' });
    server = http.createServer((req, res) => {
      const url = req.url ?? '';
      requests.push(url);
      const file =
        url === `/tf/${LIB}` && serve.lib
          ? LIB
          : /^\/addon\/napi-v\d+\/4\.22\.0\/GPU-linux-4\.22\.0\.tar\.gz$/.test(url) && serve.addon
            ? ADDON
            : null;
      if (!file) {
        res.statusCode = 404;
        res.end('not here');
      } else res.end(fs.readFileSync(path.join(tmp, file)));
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
    port = (server.address() as { port: number }).port;
  });
  afterAll(async () => {
    await new Promise((r) => server?.close(r));
    if (tmp) fs.rmSync(tmp, { recursive: true, force: true });
  });

  it('downloads and unpacks libtensorflow, fetches the prebuilt addon, reports one line', async () => {
    Object.assign(serve, { lib: true, addon: true });
    requests.length = 0;
    const pkg = copyPackage();
    const { code, out } = await runInstall(pkg, {});
    expect(code).toBe(0);
    expect(out.trim().split('\n')).toEqual([
      `kdlab: @tensorflow/tfjs-node-gpu native binding installed (libtensorflow from TFJS_NODE_BASE_URI=http://127.0.0.1:${port}/tf/libtensorflow-); --backend tensorflow (GPU) is available.`,
    ]);
    expect(requests[0]).toBe(`/tf/${LIB}`);
    expect(requests[1]).toMatch(/^\/addon\/napi-v\d+\/4\.22\.0\/GPU-linux-4\.22\.0\.tar\.gz$/);
    expect(requests).toHaveLength(2);
    expect(fs.readFileSync(path.join(pkg, 'deps/lib/libtensorflow.so.2.9.1'), 'utf8')).toBe('stub-lib');
    expect(binding(pkg).map((f) => fs.readFileSync(f, 'utf8'))).toEqual(['stub-addon']);
  });

  it.skipIf(!canCompile)(
    'without a prebuilt addon compiles offline and reports the compiler error itself',
    async () => {
      Object.assign(serve, { lib: true, addon: false });
      requests.length = 0;
      const pkg = copyPackage();
      const { code, out } = await runInstall(pkg, {});
      expect(code).toBe(0); // a post-install never fails the install
      const lines = out.trim().split('\n');
      expect(lines[0]).toBe(
        'kdlab: @tensorflow/tfjs-node-gpu native binding not installed; --backend auto will use webgpu or wasm.',
      );
      expect(lines[1]).toBe(
        `kdlab:   failed: node scripts/install.js gpu download (in ${pkg}): exit 1; libtensorflow from TFJS_NODE_BASE_URI=http://127.0.0.1:${port}/tf/libtensorflow-`,
      );
      expect(out).toContain(`404 Not Found on http://127.0.0.1:${port}/addon/`);
      // past download and unpack, node-gyp configured and the compiler ran: our stub has no eager header
      expect(out).toMatch(/fatal error: tensorflow\/c\/eager\/c_api\.h: No such file or directory/);
      expect(out).not.toMatch(/node-pre-gyp: not found|unreachable/);
      expect(out).not.toMatch(/gyp http GET/); // node headers came from npm_config_nodedir, not the network
      expect(requests).toEqual([`/tf/${LIB}`, expect.stringMatching(/^\/addon\/napi-v\d+\//)]);
      expect(binding(pkg)).toEqual([]);
    },
  );

  it('KD_LIBTENSORFLOW_TARBALL replaces the download', async () => {
    Object.assign(serve, { lib: false, addon: true });
    requests.length = 0;
    const pkg = copyPackage();
    const { code, out } = await runInstall(pkg, { KD_LIBTENSORFLOW_TARBALL: path.join(tmp, LIB) });
    expect(code).toBe(0);
    expect(out.trim()).toBe(
      `kdlab: @tensorflow/tfjs-node-gpu native binding installed (libtensorflow from ${path.join(tmp, LIB)}); --backend tensorflow (GPU) is available.`,
    );
    expect(requests).toHaveLength(1);
    expect(requests[0]).toMatch(/^\/addon\//);
    expect(fs.readFileSync(path.join(pkg, 'deps/lib/libtensorflow_framework.so.2.9.1'), 'utf8')).toBe('stub-fw');
  });

  it('names a missing KD_LIBTENSORFLOW_TARBALL and a refused download with their real causes', async () => {
    const pkg = copyPackage();
    const missing = await runInstall(pkg, { KD_LIBTENSORFLOW_TARBALL: '/nonexistent/lt.tar.gz' });
    expect(missing.out.trim()).toBe(
      'kdlab: KD_LIBTENSORFLOW_TARBALL=/nonexistent/lt.tar.gz: no such file (expected a libtensorflow-gpu-linux-x86_64-2.9.1.tar.gz)',
    );
    const refused = await runInstall(pkg, { TFJS_NODE_BASE_URI: 'http://127.0.0.1:9/tf/libtensorflow-' });
    expect(refused.code).toBe(0);
    expect(refused.out).toContain('kdlab:   | Error: connect ECONNREFUSED 127.0.0.1:9');
    expect(refused.out).not.toMatch(/^\s*kdlab:\s+\|\s+at /m);
  });
});
