import sharp, { type OverlayOptions } from 'sharp';

export interface GridCell {
  /** RGB bytes [h·w·3]. */
  rgb: Uint8Array;
  width: number;
  height: number;
}

const esc = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;');

/** A colour key entry drawn under the grid. */
export interface LegendEntry {
  rgb: readonly [number, number, number];
  label: string;
}

export interface GridOptions {
  /** A label left of every row (e.g. the model of that row). */
  rowLabels?: readonly string[];
  /** Cap on the image width in pixels (default 1800): cells shrink, keeping their aspect. */
  maxWidth?: number;
  /** Colour key under the grid, wrapped over as many lines as needed. */
  legend?: readonly LegendEntry[];
}

/** Rough text width at font size 12 (DejaVu Sans averages ~7 px per character). */
const textWidth = (s: string) => 7 * s.length;

/** Legend entries flowed into lines of at most `width` px: [x, line] per entry and the line count. */
export function layoutLegend(
  labels: readonly string[],
  width: number,
  pad = 4,
): { at: [number, number][]; lines: number } {
  const at: [number, number][] = [];
  let x = pad,
    line = 0;
  for (const l of labels) {
    const w = 18 + textWidth(l) + 14;
    if (x > pad && x + w > width) {
      x = pad;
      line++;
    }
    at.push([x, line]);
    x += w;
  }
  return { at, lines: labels.length ? line + 1 : 0 };
}

/**
 * A labelled image grid as PNG: `columns` headers on top, one row per entry of `rows` (with an
 * optional label on its left), every cell scaled to `cellW × cellH` (nearest, so label maps stay
 * crisp) — shrunk as needed so the image is at most `maxWidth` wide — and an optional colour key.
 */
export async function renderGrid(
  file: string,
  columns: readonly string[],
  rows: readonly GridCell[][],
  cellW: number,
  cellH: number,
  opts: GridOptions = {},
): Promise<void> {
  const pad = 4,
    head = 22,
    lineH = 20;
  const labelW = opts.rowLabels?.length ? Math.min(240, Math.max(...opts.rowLabels.map(textWidth)) + 12) : 0;
  const maxWidth = opts.maxWidth ?? 1800;
  const full = labelW + columns.length * (cellW + pad) + pad;
  if (full > maxWidth) {
    const w = Math.max(16, Math.floor((maxWidth - labelW - pad) / columns.length - pad));
    cellH = Math.max(8, Math.round((cellH * w) / cellW));
    cellW = w;
  }
  const W = labelW + columns.length * (cellW + pad) + pad;
  const legend = layoutLegend(
    (opts.legend ?? []).map((e) => e.label),
    W,
  );
  const gridH = head + rows.length * (cellH + pad) + pad;
  const H = gridH + (legend.lines ? legend.lines * lineH + 2 * pad : 0);
  const svg = [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${W}" height="${H}" font-family="DejaVu Sans, sans-serif" font-size="12">`,
  ];
  columns.forEach((c, i) =>
    svg.push(`<text x="${labelW + pad + i * (cellW + pad) + cellW / 2}" y="15" text-anchor="middle">${esc(c)}</text>`),
  );
  opts.rowLabels?.forEach((l, r) =>
    svg.push(
      `<text x="${labelW - 6}" y="${head + pad + r * (cellH + pad) + cellH / 2 + 4}" text-anchor="end">${esc(l)}</text>`,
    ),
  );
  (opts.legend ?? []).forEach((e, i) => {
    const [x, line] = legend.at[i];
    const y = gridH + pad + line * lineH;
    svg.push(
      `<rect x="${x}" y="${y + 2}" width="14" height="14" fill="rgb(${e.rgb.join(',')})" stroke="#888"/><text x="${x + 18}" y="${y + 13}">${esc(e.label)}</text>`,
    );
  });
  svg.push('</svg>');
  const tiles: OverlayOptions[] = [{ input: Buffer.from(svg.join('')), left: 0, top: 0 }];
  for (const [r, row] of rows.entries()) {
    for (const [c, cell] of row.entries()) {
      const png = await sharp(Buffer.from(cell.rgb), { raw: { width: cell.width, height: cell.height, channels: 3 } })
        .resize(cellW, cellH, { kernel: 'nearest', fit: 'fill' })
        .png()
        .toBuffer();
      tiles.push({ input: png, left: labelW + pad + c * (cellW + pad), top: head + pad + r * (cellH + pad) });
    }
  }
  await sharp({ create: { width: W, height: H, channels: 3, background: 'white' } })
    .composite(tiles)
    .png()
    .toFile(file);
}

/** Normalised NHWC float image (ImageNet mean/std) back to RGB bytes for display. */
export function denormalize(x: Float32Array, mean: readonly number[], std: readonly number[]): Uint8Array {
  const out = new Uint8Array(x.length);
  for (let i = 0; i < x.length; i++) out[i] = Math.max(0, Math.min(255, Math.round(x[i] * std[i % 3] + mean[i % 3])));
  return out;
}
