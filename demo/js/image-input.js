/** Largest image the page decodes (pixels); larger files get a message instead of a frozen tab. */
export const MAX_PIXELS = 50e6;
/** Longer side the page works at; larger photos are scaled down to this first (and a note says so). */
export const MAX_SIDE = 4096;
/** Largest file the page reads. */
export const MAX_BYTES = 64 * 1024 * 1024;

/**
 * Reads a user's file into an RGB canvas, or throws an Error whose message is shown to the user:
 * not an image the browser can decode, more than MAX_PIXELS, or more than MAX_BYTES. The size is
 * checked from the image header before any pixel is decoded. Returns { canvas, width, height, scaled }.
 */
export async function readImageFile(file) {
  const name = `“${file.name}”`;
  if (file.size > MAX_BYTES)
    throw new Error(
      `${name} is ${(file.size / 1e6).toFixed(0)} MB; the demo reads images up to ${MAX_BYTES / 1048576} MB`,
    );
  if (file.type && !file.type.startsWith('image/'))
    throw new Error(`${name} is not an image (${file.type}); pick a JPEG, PNG or WebP photo`);
  const url = URL.createObjectURL(file);
  try {
    const img = new Image();
    await new Promise((resolve, reject) => {
      img.onload = resolve;
      img.onerror = () =>
        reject(new Error(`${name} is not an image this browser can decode; pick a JPEG, PNG or WebP photo`));
      img.src = url;
    });
    const w0 = img.naturalWidth;
    const h0 = img.naturalHeight;
    if (!w0 || !h0) throw new Error(`${name} has no pixels`);
    if (w0 * h0 > MAX_PIXELS) {
      throw new Error(
        `${name} is ${w0}×${h0} (${((w0 * h0) / 1e6).toFixed(0)} megapixels); the demo takes up to ${MAX_PIXELS / 1e6} megapixels — scale it down first`,
      );
    }
    const s = Math.min(1, MAX_SIDE / Math.max(w0, h0));
    const width = Math.max(1, Math.round(w0 * s));
    const height = Math.max(1, Math.round(h0 * s));
    const canvas = document.createElement('canvas');
    canvas.width = width;
    canvas.height = height;
    const ctx = canvas.getContext('2d', { willReadFrequently: true });
    ctx.drawImage(img, 0, 0, width, height);
    return { canvas, width, height, scaled: s < 1 ? { from: [w0, h0] } : null };
  } finally {
    URL.revokeObjectURL(url);
  }
}
