// Post-install: make @tensorflow/tfjs-node-gpu usable where libtensorflow 2.9.1 can be had.
// pnpm never runs that package's own install script, so we run it here and say how it went:
// one line on success; on failure the command that failed, its exit status and its last lines.
//
// The chain (the package's scripts/install.js): download libtensorflow (TFJS_NODE_BASE_URI, the
// upstream mirror variable, replaces Google's storage) and unpack it into deps/, then
// `node-pre-gyp install --fallback-to-build`: fetch the prebuilt addon (mirror:
// npm_config_tfjs_binding_binary_host_mirror, http(s):// or file://), else compile it with node-gyp.
// What we add:
//   - PATH holds the package's own node_modules/.bin, pnpm's hoisted node_modules/.pnpm/node_modules/.bin
//     and the root node_modules/.bin (under pnpm 10 a post-install's PATH has no node-pre-gyp);
//   - npm_config_nodedir points at this Node's own headers when they exist, so a fallback compile
//     downloads nothing;
//   - KD_LIBTENSORFLOW_TARBALL=/path/to/libtensorflow-gpu-linux-x86_64-2.9.1.tar.gz (offline clusters)
//     is unpacked into deps/ in place of the download;
//   - package.json is detached from pnpm's store (hard link) before install.js rewrites it.
// KD_SKIP_NATIVE=1 skips everything. KD_NATIVE_PACKAGE_DIR overrides where the package is (tests).
// The post-install never fails the install: it always exits 0.
import { spawnSync } from 'node:child_process';
import { createRequire } from 'node:module';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

export const PKG = '@tensorflow/tfjs-node-gpu';
const TAIL = 20;

/** The repository root (this file sits in <root>/scripts). */
export const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

/** The installed package's directory, or null when the optional dependency is absent. */
export function findPackageDir(env = process.env) {
  if (env.KD_NATIVE_PACKAGE_DIR) return path.resolve(env.KD_NATIVE_PACKAGE_DIR);
  try {
    const require = createRequire(path.join(repoRoot, 'packages/runtime/package.json'));
    return path.dirname(require.resolve(`${PKG}/package.json`));
  } catch {
    return null;
  }
}

/** True when some lib/<napi-vN>/tfjs_binding.node exists under the package. */
export function hasBinding(pkgDir) {
  const lib = path.join(pkgDir, 'lib');
  return fs.existsSync(lib) && fs.readdirSync(lib).some((d) => fs.existsSync(path.join(lib, d, 'tfjs_binding.node')));
}

/** The directories holding node-pre-gyp's (and rimraf's) launchers, package first. */
export function binDirs(pkgDir, root = repoRoot) {
  const dirs = [
    path.join(pkgDir, 'node_modules', '.bin'),
    path.join(root, 'node_modules', '.pnpm', 'node_modules', '.bin'),
    path.join(root, 'node_modules', '.bin'),
  ];
  return dirs.filter((d) => fs.existsSync(d));
}

/** This Node's header root (the dir holding include/node/node_api.h), or null. */
export function localNodeDir() {
  const dir = path.resolve(path.dirname(process.execPath), '..');
  return fs.existsSync(path.join(dir, 'include', 'node', 'node_api.h')) ? dir : null;
}

/** The environment for the package's install: PATH with the launchers, nodedir for a compile. */
export function installEnv(pkgDir, env = process.env, root = repoRoot) {
  const out = { ...env };
  const sep = path.delimiter;
  out.PATH = [...binDirs(pkgDir, root), path.dirname(process.execPath), env.PATH ?? ''].filter(Boolean).join(sep);
  const nodedir = localNodeDir();
  if (nodedir && !env.npm_config_nodedir) out.npm_config_nodedir = nodedir;
  return out;
}

/** The last `n` non-empty lines of a command's output. */
export function lastLines(text, n = TAIL) {
  return text
    .split(/\r?\n/)
    .map((l) => l.trimEnd())
    .filter((l) => l.trim() !== '')
    .slice(-n);
}

const ERROR_LINE = /\berror\b|fatal|not found|no such file|cannot find|ECONN|ENOTFOUND|EAI_AGAIN|ETIMEDOUT|\b40[34]\b/i;

/**
 * What to show of a failed command: its first lines that name an error (compiler, HTTP, missing
 * module; stack frames left out), then its last lines, each line once, at most `n` in all.
 */
export function failureLines(text, n = TAIL) {
  const all = lastLines(text, Infinity).filter((l) => !/^\s+at |ERR! stack\s+at /.test(l)); // no stack frames
  const errs = all.filter((l) => ERROR_LINE.test(l)).slice(0, n / 2);
  const tail = all.slice(-(n - errs.length));
  return [...new Set([...errs, ...tail])];
}

/** Replaces a hard-linked file (pnpm's store) by a private copy, so in-place writes stay local. */
function detach(file) {
  if (!fs.existsSync(file) || fs.statSync(file).nlink < 2) return;
  const tmp = `${file}.kd-tmp-${process.pid}`;
  fs.copyFileSync(file, tmp);
  fs.renameSync(tmp, file);
}

/** Where install.js expects libtensorflow once unpacked (deps/lib/libtensorflow.so.2.9.1 on Linux). */
function depsLibPath(pkgDir) {
  const require = createRequire(path.join(pkgDir, 'package.json'));
  return require(path.join(pkgDir, 'scripts', 'deps-constants.js')).depsLibTensorFlowPath;
}

/**
 * Runs the package's install chain. Returns { ok, lines }: `lines` is what to print (one line on
 * success; on failure the failing command, its status and its last lines, never a guess).
 */
export function installNative({ pkgDir, env = process.env, root = repoRoot, timeoutMs = 600_000 }) {
  const childEnv = installEnv(pkgDir, env, root);
  const args = [path.join('scripts', 'install.js'), 'gpu'];
  const notes = [];
  const tarball = env.KD_LIBTENSORFLOW_TARBALL;
  if (tarball) {
    const file = path.resolve(tarball);
    if (!fs.existsSync(file) || !fs.statSync(file).isFile()) {
      return {
        ok: false,
        lines: [
          `kdlab: KD_LIBTENSORFLOW_TARBALL=${tarball}: no such file (expected a libtensorflow-gpu-linux-x86_64-2.9.1.tar.gz)`,
        ],
      };
    }
    const deps = path.join(pkgDir, 'deps');
    fs.rmSync(deps, { recursive: true, force: true });
    fs.mkdirSync(deps, { recursive: true });
    const t = spawnSync('tar', ['-xzf', file, '-C', deps], { encoding: 'utf8' });
    const want = depsLibPath(pkgDir);
    if (t.status !== 0 || !fs.existsSync(want)) {
      const why = t.error
        ? String(t.error)
        : t.status !== 0
          ? `tar -xzf exited ${t.status}: ${lastLines(t.stderr, 3).join(' | ')}`
          : `it has no ${path.relative(deps, want)}`;
      return {
        ok: false,
        lines: [`kdlab: KD_LIBTENSORFLOW_TARBALL=${tarball}: cannot use it as libtensorflow (${why})`],
      };
    }
    notes.push(`libtensorflow from ${file}`);
  } else {
    args.push('download'); // install.js: fetch libtensorflow even if deps/ holds one
    notes.push(
      `libtensorflow from ${env.TFJS_NODE_BASE_URI ? `TFJS_NODE_BASE_URI=${env.TFJS_NODE_BASE_URI}` : "Google's storage (set TFJS_NODE_BASE_URI for a mirror)"}`,
    );
  }
  detach(path.join(pkgDir, 'package.json'));
  const r = spawnSync(process.execPath, args, {
    cwd: pkgDir,
    env: childEnv,
    encoding: 'utf8',
    timeout: timeoutMs,
    maxBuffer: 64 << 20,
  });
  if (r.status === 0 && !r.error && hasBinding(pkgDir)) {
    return {
      ok: true,
      lines: [`kdlab: ${PKG} native binding installed (${notes[0]}); --backend tensorflow (GPU) is available.`],
    };
  }
  const cmd = `node ${args.join(' ')}`;
  const status = r.error ? String(r.error.message) : r.signal ? `killed by ${r.signal}` : `exit ${r.status}`;
  const what = r.status === 0 && !r.error ? `exited 0 but produced no lib/*/tfjs_binding.node` : status;
  const tail = failureLines(`${r.stdout ?? ''}\n${r.stderr ?? ''}`);
  return {
    ok: false,
    lines: [
      `kdlab: ${PKG} native binding not installed; --backend auto will use webgpu or wasm.`,
      `kdlab:   failed: ${cmd} (in ${pkgDir}): ${what}; ${notes[0]}`,
      ...tail.map((l) => `kdlab:   | ${l}`),
      `kdlab:   offline? KD_LIBTENSORFLOW_TARBALL=/path/to/libtensorflow.tar.gz; skip this step with KD_SKIP_NATIVE=1`,
    ],
  };
}

function main() {
  if (process.env.KD_SKIP_NATIVE === '1') return;
  const pkgDir = findPackageDir();
  if (!pkgDir || hasBinding(pkgDir)) return;
  const { lines } = installNative({ pkgDir });
  for (const l of lines) console.log(l);
}

if (process.argv[1] && import.meta.url === pathToFileURL(path.resolve(process.argv[1])).href) main();
