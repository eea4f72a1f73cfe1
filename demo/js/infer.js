/* global tf */
/**
 * Loads an exported student (stock tf.loadGraphModel) and runs it the way `pnpm exp predict` does:
 * RGB 0–255 → bilinear resize (half-pixel centres) to the export's input size → (x − mean)/std →
 * network → SOD: σ, resize back to the photo (align-corners when the metadata says so), round(255·p);
 * segmentation: logits resized back, argmax. Tensors are NHWC.
 */
export async function loadStudent(entry) {
  const model = await tf.loadGraphModel(entry.path);
  const meta = model.metadata && model.metadata.kdlab;
  if (!meta) throw new Error(`${entry.path} has no kdlab metadata; export it with pnpm exp export`);
  const [h, w] = meta.inputSize;
  const t0 = performance.now();
  tf.tidy(() => model.predict(tf.zeros([1, h, w, 3])).dataSync()); // compiles the shaders once
  return { model, meta, warmupMs: performance.now() - t0 };
}

/**
 * Runs the student on an RGB canvas. Returns { mask: Uint8Array [H·W] (saliency 0–255, or class
 * index), width, height, ms: network time (predict + read-back) }.
 */
export async function runStudent(student, canvas) {
  const { model, meta } = student;
  const W = canvas.width;
  const H = canvas.height;
  const [h, w] = meta.inputSize;
  const pixels = canvas.getContext('2d', { willReadFrequently: true }).getImageData(0, 0, W, H);
  const x = tf.tidy(() => {
    const img = tf.browser.fromPixels(pixels, 3).toFloat().expandDims(0);
    const resized = W === w && H === h ? img : tf.image.resizeBilinear(img, [h, w], false, true);
    return resized.sub(tf.tensor1d(meta.normalization.mean)).div(tf.tensor1d(meta.normalization.std));
  });
  const t0 = performance.now();
  const out = model.predict(x);
  await out.data();
  const ms = performance.now() - t0;
  const maskT = tf.tidy(() => {
    const align = meta.outputResize === 'align-corners';
    if (meta.task === 'sod')
      return tf.image
        .resizeBilinear(tf.sigmoid(out), [H, W], align, !align)
        .mul(255)
        .round()
        .clipByValue(0, 255)
        .reshape([H * W]);
    return tf.image
      .resizeBilinear(out, [H, W], align, !align)
      .argMax(3)
      .reshape([H * W]);
  });
  const mask = Uint8Array.from(await maskT.data());
  tf.dispose([x, out, maskT]);
  return { mask, width: W, height: H, ms };
}
