import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';
import { useBackend } from '@kd/runtime';
import { readGray } from '@kd/data';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
// eslint-disable-next-line kd/import-boundaries -- scripts/ is no package; the demo's prepare step is tested where the demo is
import { indexModels, vendorTfjs } from '../../../../scripts/demo-prepare.ts';
import { REPO_ROOT } from '../../paths.ts';
import { runPredict } from '../predict/run-predict.ts';
import { blackPng } from './huge-png.ts';
import { runExport } from './run-export.ts';
import { serveStatic, type StaticServer } from './static-server.ts';

const PHOTO = path.join(REPO_ROOT, '../shared/real-data/photos/sod_100075.jpg');
const WEIGHTS = path.join(REPO_ROOT, '../shared/weights/csnet-L-x1.safetensors');
const CHROMIUM = process.env.KD_CHROMIUM ?? '/usr/bin/chromium';
const SEG = 'fcn-mbv2-os16';
/** Screenshots land here (git-ignored) as the test's artifacts. */
const ARTIFACTS = path.join(REPO_ROOT, 'demo', 'artifacts');

const skip = !fs.existsSync(PHOTO)
  ? '../shared/real-data/photos absent'
  : !fs.existsSync(CHROMIUM)
    ? `${CHROMIUM} absent (apt-get install chromium)`
    : null;
if (skip) console.log(`demo browser test skipped: ${skip}`);

/** Waits until the page's `kdDemo.phase` is one of `phases` (the page's own state, see demo/js/app.js). */
async function phase(page: Page, phases: string[], timeout = 60_000): Promise<string> {
  await page.waitForFunction(
    (ps) => ps.includes((globalThis as unknown as { kdDemo?: { phase: string } }).kdDemo?.phase ?? ''),
    phases,
    { timeout },
  );
  return page.evaluate(() => (globalThis as unknown as { kdDemo: { phase: string } }).kdDemo.phase);
}

describe.skipIf(skip)('demo page in headless Chromium', () => {
  let root: string;
  let server: StaticServer;
  let browser: Browser;
  let page: Page;
  let modelId: string;
  let predicted: Uint8Array;
  let predictedSeg: Uint8Array;
  const pageErrors: string[] = [];

  beforeAll(async () => {
    await useBackend('wasm');
    // The page's own files, served from a temp copy with one freshly exported model (demo/models is the user's).
    root = fs.mkdtempSync(path.join(os.tmpdir(), 'kd-demo-'));
    for (const f of ['index.html', 'style.css', 'js'])
      fs.cpSync(path.join(REPO_ROOT, 'demo', f), path.join(root, f), { recursive: true });
    vendorTfjs(root);
    const official = fs.existsSync(WEIGHTS);
    if (!official) console.log('csnet-l-x1 official weights absent: the page runs the seeded random init');
    modelId = 'csnet-l-x1';
    const exp = await runExport(
      {
        runDir: null,
        model: 'csnet-l-x1',
        weights: official ? WEIGHTS : undefined,
        out: path.join(root, 'models', modelId),
      },
      () => {},
    );
    expect(exp.maxAbsDiff).toBeLessThanOrEqual(1e-4);
    // A segmentation student too (seeded random init, small input): the page's model menu and label path.
    await runExport({ runDir: null, model: SEG, out: path.join(root, 'models', SEG), size: 64 }, () => {});
    expect(indexModels(path.join(root, 'models')).map((m) => m.id)).toEqual([modelId, SEG]);
    // Node's `pnpm exp predict` for the same models, photo and input sizes.
    const out = path.join(root, 'predict');
    await runPredict(
      {
        model: 'csnet-l-x1',
        weights: official ? WEIGHTS : undefined,
        inputs: [PHOTO],
        out,
        size: exp.size,
        saveLogits: false,
      },
      () => {},
    );
    predicted = (await readGray(path.join(out, 'sod_100075.png'))).data;
    await runPredict({ model: SEG, inputs: [PHOTO], out: path.join(out, SEG), size: 64, saveLogits: false }, () => {});
    predictedSeg = (await readGray(path.join(out, SEG, 'sod_100075.png'))).data;
    server = await serveStatic(root);
    browser = await chromium.launch({
      executablePath: CHROMIUM,
      headless: true,
      args: ['--disable-dev-shm-usage', ...(process.getuid?.() === 0 ? ['--no-sandbox'] : [])],
    });
    page = await browser.newPage({ viewport: { width: 1200, height: 560 } });
    page.on('pageerror', (e) => pageErrors.push(e.message));
  });

  afterAll(async () => {
    await browser?.close();
    server?.close();
    if (root) fs.rmSync(root, { recursive: true, force: true });
  });

  it("runs the exported student on a real photo; the mask equals Node's predict output (mean |diff| ≤ 2/255)", async () => {
    await page.goto(server.url);
    expect(await phase(page, ['ready', 'error'])).toBe('ready');
    await page.setInputFiles('#file', PHOTO);
    expect(await phase(page, ['done', 'error'])).toBe('done');
    const r = await page.evaluate(() => {
      const d = (
        globalThis as unknown as {
          kdDemo: { backend: string; result: { mask: Uint8Array; width: number; height: number; ms: number } };
        }
      ).kdDemo;
      return {
        backend: d.backend,
        width: d.result.width,
        height: d.result.height,
        ms: d.result.ms,
        mask: Array.from(d.result.mask),
      };
    });
    expect([r.width, r.height]).toEqual([481, 321]);
    expect(r.mask.length).toBe(predicted.length);
    let sum = 0;
    let max = 0;
    let salient = 0;
    for (let i = 0; i < predicted.length; i++) {
      const d = Math.abs(r.mask[i] - predicted[i]);
      sum += d;
      max = Math.max(max, d);
      if (predicted[i] > 127) salient++;
    }
    const mad = sum / predicted.length;
    console.log(
      `demo: backend ${r.backend}, inference ${r.ms.toFixed(0)} ms, mean |browser − predict| = ${mad.toFixed(4)}/255 (max ${max}/255), salient ${((100 * salient) / predicted.length).toFixed(1)} %`,
    );
    expect(mad).toBeLessThanOrEqual(2);
    expect(await page.locator('#timing').textContent()).toMatch(/^inference \d+ ms/);
    fs.mkdirSync(ARTIFACTS, { recursive: true });
    await page.screenshot({ path: path.join(ARTIFACTS, `demo-${modelId}-${r.backend}.png`) });
    expect(pageErrors).toEqual([]);
  });

  it("model menu: a segmentation student's label map equals Node's predict (≥ 99.9 % of pixels)", async () => {
    await page.selectOption('#model', SEG);
    await page.waitForFunction(
      (id) => (globalThis as unknown as { kdDemo: { model: string; phase: string } }).kdDemo.model === id,
      SEG,
    );
    expect(await phase(page, ['done', 'error'])).toBe('done');
    const labels = await page.evaluate(() =>
      Array.from((globalThis as unknown as { kdDemo: { result: { mask: Uint8Array } } }).kdDemo.result.mask),
    );
    expect(labels.length).toBe(predictedSeg.length);
    const same = labels.filter((v, i) => v === predictedSeg[i]).length / labels.length;
    console.log(
      `demo: ${SEG} labels agree with predict on ${(100 * same).toFixed(3)} % of pixels; ${new Set(labels).size} classes present`,
    );
    expect(same).toBeGreaterThanOrEqual(0.999);
    expect(await page.locator('#mask-caption').textContent()).toBe('labels');
    await page.selectOption('#model', modelId);
    await page.waitForFunction(
      (id) => (globalThis as unknown as { kdDemo: { model: string; phase: string } }).kdDemo.model === id,
      modelId,
    );
    expect(await phase(page, ['done', 'error'])).toBe('done');
  });

  it('shows a visible message for a non-image file, an undecodable file and a huge image, and stays usable', async () => {
    const cases: [{ name: string; mimeType: string; buffer: Buffer }, RegExp][] = [
      [
        { name: 'notes.txt', mimeType: 'text/plain', buffer: Buffer.from('not a photo') },
        /“notes\.txt” is not an image \(text\/plain\)/,
      ],
      [
        { name: 'broken.jpg', mimeType: 'image/jpeg', buffer: Buffer.from('JFIF? no') },
        /“broken\.jpg” is not an image this browser can decode/,
      ],
      [
        { name: 'huge.png', mimeType: 'image/png', buffer: blackPng(10_000, 8_000) },
        /“huge\.png” is 10000×8000 \(80 megapixels\); the demo takes up to 50 megapixels/,
      ],
    ];
    for (const [file, message] of cases) {
      await page.setInputFiles('#file', file);
      expect(await phase(page, ['error', 'done'])).toBe('error');
      await expect.poll(() => page.locator('#message').isVisible()).toBe(true);
      expect(await page.locator('#message').textContent()).toMatch(message);
    }
    await page.screenshot({ path: path.join(ARTIFACTS, 'demo-bad-input.png') });
    // Still usable: the real photo runs again after the errors, and the message goes away.
    const tensors = () =>
      page.evaluate(
        () => (globalThis as unknown as { tf: { memory(): { numTensors: number } } }).tf.memory().numTensors,
      );
    await page.setInputFiles('#file', PHOTO);
    expect(await phase(page, ['done', 'error'])).toBe('done');
    expect(await page.locator('#message').isVisible()).toBe(false);
    const after1 = await tensors();
    const runs = () => page.evaluate(() => (globalThis as unknown as { kdDemo: { runs: number } }).kdDemo.runs);
    const runs1 = await runs();
    await page.setInputFiles('#file', []);
    await page.setInputFiles('#file', PHOTO);
    await expect.poll(runs, { timeout: 30_000 }).toBe(runs1 + 1);
    expect(await tensors()).toBe(after1); // no tensors leak from one photo to the next
    expect(pageErrors).toEqual([]);
  });
});
