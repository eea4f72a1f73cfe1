import sharp, { type OverlayOptions } from 'sharp';

export interface GridCell {
  /** RGB bytes [h·w·3]. */
  rgb: Uint8Array;
  width: number;
  height: number;
}

const esc = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;');

/**
 * A labelled image grid as PNG: `columns` headers on top, one row per entry of `rows`, every
 * cell scaled to `cellW × cellH` (nearest, so label maps stay crisp).
 */
export async function renderGrid(file: string, columns: readonly string[], rows: readonly GridCell[][], cellW: number, cellH: number): Promise<void> {
  const pad = 4, head = 22;
  const W = columns.length * (cellW + pad) + pad, H = head + rows.length * (cellH + pad) + pad;
  const header = `<svg xmlns="http://www.w3.org/2000/svg" width="${W}" height="${head}" font-family="DejaVu Sans, sans-serif" font-size="12">${columns
    .map((c, i) => `<text x="${pad + i * (cellW + pad) + cellW / 2}" y="15" text-anchor="middle">${esc(c)}</text>`)
    .join('')}</svg>`;
  const tiles: OverlayOptions[] = [{ input: Buffer.from(header), left: 0, top: 0 }];
  for (const [r, row] of rows.entries()) {
    for (const [c, cell] of row.entries()) {
      const png = await sharp(Buffer.from(cell.rgb), { raw: { width: cell.width, height: cell.height, channels: 3 } }).resize(cellW, cellH, { kernel: 'nearest', fit: 'fill' }).png().toBuffer();
      tiles.push({ input: png, left: pad + c * (cellW + pad), top: head + pad + r * (cellH + pad) });
    }
  }
  await sharp({ create: { width: W, height: H, channels: 3, background: 'white' } }).composite(tiles).png().toFile(file);
}

/** Normalised NHWC float image (ImageNet mean/std) back to RGB bytes for display. */
export function denormalize(x: Float32Array, mean: readonly number[], std: readonly number[]): Uint8Array {
  const out = new Uint8Array(x.length);
  for (let i = 0; i < x.length; i++) out[i] = Math.max(0, Math.min(255, Math.round(x[i] * std[i % 3] + mean[i % 3])));
  return out;
}
