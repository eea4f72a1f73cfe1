/** Draws results onto canvases: the saliency map (gray) or label map (palette), and an overlay. */

const PALETTE = [
  [0, 0, 0],
  [128, 0, 0],
  [0, 128, 0],
  [128, 128, 0],
  [0, 0, 128],
  [128, 0, 128],
  [0, 128, 128],
  [128, 128, 128],
  [64, 0, 0],
  [192, 0, 0],
  [64, 128, 0],
  [192, 128, 0],
  [64, 0, 128],
  [192, 0, 128],
  [64, 128, 128],
  [192, 128, 128],
  [0, 64, 0],
  [128, 64, 0],
  [0, 192, 0],
  [128, 192, 0],
  [0, 64, 128],
];

function colorOf(task, v) {
  if (task === 'sod') return [v, v, v];
  return PALETTE[v % PALETTE.length];
}

/** Copies the photo canvas into `target`. */
export function drawPhoto(photo, target) {
  target.width = photo.width;
  target.height = photo.height;
  target.getContext('2d').drawImage(photo, 0, 0);
}

/** Mask view and overlay: SOD tints salient pixels red in proportion to p; segmentation blends class colours. */
export function drawResult(task, result, photo, maskCanvas, overlayCanvas) {
  const { mask, width, height } = result;
  maskCanvas.width = overlayCanvas.width = width;
  maskCanvas.height = overlayCanvas.height = height;
  const m = maskCanvas.getContext('2d').createImageData(width, height);
  const src = photo.getContext('2d', { willReadFrequently: true }).getImageData(0, 0, width, height).data;
  const o = overlayCanvas.getContext('2d').createImageData(width, height);
  for (let i = 0; i < mask.length; i++) {
    const [r, g, b] = colorOf(task, mask[i]);
    m.data.set([r, g, b, 255], 4 * i);
    const a = task === 'sod' ? (0.6 * mask[i]) / 255 : mask[i] ? 0.5 : 0;
    const [cr, cg, cb] = task === 'sod' ? [255, 40, 40] : [r, g, b];
    o.data[4 * i] = src[4 * i] * (1 - a) + cr * a;
    o.data[4 * i + 1] = src[4 * i + 1] * (1 - a) + cg * a;
    o.data[4 * i + 2] = src[4 * i + 2] * (1 - a) + cb * a;
    o.data[4 * i + 3] = 255;
  }
  maskCanvas.getContext('2d').putImageData(m, 0, 0);
  overlayCanvas.getContext('2d').putImageData(o, 0, 0);
}
