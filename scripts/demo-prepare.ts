/**
 * Prepares the static demo folder for `pnpm demo` (and the browser test):
 * - copies the TF.js browser bundles from node_modules into `<demo>/vendor/` (tf.min.js with the
 *   webgl and cpu backends; tf-backend-wasm.min.js and its .wasm binaries), so the page needs no CDN;
 * - writes `<demo>/models/index.json` listing every exported graph model `<demo>/models/<id>/model.json`
 *   with its `userDefinedMetadata.kdlab` (the page's model menu).
 * Files are written via temp file + rename.
 */
import fs from 'node:fs';
import path from 'node:path';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import { writeFileAtomic } from '../packages/core/src/fs/atomic-write.ts';

const REPO = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

export interface DemoModelEntry {
  id: string;
  path: string;
  model: string;
  task: string;
  inputSize: [number, number];
  source?: string;
}

/** The dist folder of an npm package as the runtime package (the one holding tfjs's backends) resolves it. */
function distOf(pkg: string): string {
  const req = createRequire(path.join(REPO, 'packages/runtime/package.json'));
  let dir = path.dirname(req.resolve(pkg));
  while (!fs.existsSync(path.join(dir, 'package.json'))) dir = path.dirname(dir);
  return path.join(dir, 'dist');
}

/** Copies the tfjs bundles into `<demoDir>/vendor/` (skipping files already identical in size). */
export function vendorTfjs(demoDir: string): string[] {
  const files: [string, string][] = [
    [distOf('@tensorflow/tfjs'), 'tf.min.js'],
    [distOf('@tensorflow/tfjs-backend-wasm'), 'tf-backend-wasm.min.js'],
    [distOf('@tensorflow/tfjs-backend-wasm'), 'tfjs-backend-wasm.wasm'],
    [distOf('@tensorflow/tfjs-backend-wasm'), 'tfjs-backend-wasm-simd.wasm'],
    [distOf('@tensorflow/tfjs-backend-wasm'), 'tfjs-backend-wasm-threaded-simd.wasm'],
  ];
  const out: string[] = [];
  for (const [dir, name] of files) {
    const src = path.join(dir, name);
    const dst = path.join(demoDir, 'vendor', name);
    if (!fs.existsSync(src)) throw new Error(`demo: ${src} is missing; run pnpm install`);
    if (!fs.existsSync(dst) || fs.statSync(dst).size !== fs.statSync(src).size)
      writeFileAtomic(dst, fs.readFileSync(src));
    out.push(dst);
  }
  return out;
}

/** Lists `<modelsDir>/<id>/model.json` graph models (sorted by id) and writes `<modelsDir>/index.json`. */
export function indexModels(modelsDir: string): DemoModelEntry[] {
  const entries: DemoModelEntry[] = [];
  const ids = fs.existsSync(modelsDir) ? fs.readdirSync(modelsDir).sort() : [];
  for (const id of ids) {
    const file = path.join(modelsDir, id, 'model.json');
    if (!fs.existsSync(file)) continue;
    const json = JSON.parse(fs.readFileSync(file, 'utf8'));
    const meta = json.userDefinedMetadata?.kdlab;
    if (json.format !== 'graph-model' || !meta) {
      console.error(`demo: skipping ${file} (not a kdlab graph-model export; run pnpm exp export)`);
      continue;
    }
    entries.push({
      id,
      path: `models/${id}/model.json`,
      model: meta.model,
      task: meta.task,
      inputSize: meta.inputSize,
      source: meta.source,
    });
  }
  writeFileAtomic(path.join(modelsDir, 'index.json'), JSON.stringify(entries, null, 1));
  return entries;
}

/** Both steps for one demo folder. */
export function prepareDemo(demoDir: string): DemoModelEntry[] {
  vendorTfjs(demoDir);
  return indexModels(path.join(demoDir, 'models'));
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const demoDir = path.join(REPO, 'demo');
  const models = prepareDemo(demoDir);
  if (models.length) console.error(`demo: ${models.length} model(s): ${models.map((m) => m.id).join(', ')}`);
  else
    console.error(
      'demo: no exported models yet; e.g. pnpm exp export --model csnet-l-x1 --weights ../shared/weights/csnet-L-x1.safetensors --out demo/models/csnet-l-x1',
    );
}
