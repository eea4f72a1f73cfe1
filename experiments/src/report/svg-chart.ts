/** One line of a chart: (x, y) points in data units. */
export interface Series {
  label: string;
  points: [number, number][];
  /** Default: the palette colour of the series' index. */
  color?: string;
}

const COLORS = [
  '#1f77b4',
  '#ff7f0e',
  '#2ca02c',
  '#d62728',
  '#9467bd',
  '#8c564b',
  '#e377c2',
  '#7f7f7f',
  '#bcbd22',
  '#17becf',
];

/** The i-th palette colour (so one run keeps its colour across several charts). */
export const seriesColor = (i: number): string => COLORS[i % COLORS.length];

const esc = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');

/**
 * A line chart as SVG text (rendered to PNG by sharp/librsvg): axes with 5 ticks each, one
 * coloured polyline per series, a legend on the right. y may be log-scaled.
 */
export function lineChartSvg(
  title: string,
  series: readonly Series[],
  opts: { width?: number; height?: number; xLabel?: string; yLabel?: string } = {},
): string {
  const W = opts.width ?? 900,
    H = opts.height ?? 420;
  const L = 70,
    R = 230,
    T = 40,
    B = 50;
  const all = series.flatMap((s) => s.points).filter(([x, y]) => Number.isFinite(x) && Number.isFinite(y));
  const xs = all.map((p) => p[0]),
    ys = all.map((p) => p[1]);
  const [x0, x1] = [Math.min(...xs, 0), Math.max(...xs, 1)];
  let [y0, y1] = [Math.min(...ys), Math.max(...ys)];
  if (!(y1 > y0)) {
    y0 -= 1;
    y1 += 1;
  }
  const px = (x: number) => L + ((x - x0) / (x1 - x0 || 1)) * (W - L - R);
  const py = (y: number) => H - B - ((y - y0) / (y1 - y0)) * (H - T - B);
  const parts: string[] = [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${W}" height="${H}" font-family="DejaVu Sans, sans-serif" font-size="12">`,
    `<rect width="100%" height="100%" fill="white"/>`,
    `<text x="${W / 2 - R / 2}" y="24" text-anchor="middle" font-size="15">${esc(title)}</text>`,
    `<line x1="${L}" y1="${H - B}" x2="${W - R}" y2="${H - B}" stroke="black"/><line x1="${L}" y1="${T}" x2="${L}" y2="${H - B}" stroke="black"/>`,
  ];
  for (let i = 0; i <= 4; i++) {
    const xv = x0 + ((x1 - x0) * i) / 4,
      yv = y0 + ((y1 - y0) * i) / 4;
    parts.push(`<text x="${px(xv)}" y="${H - B + 16}" text-anchor="middle">${+xv.toPrecision(3)}</text>`);
    parts.push(`<text x="${L - 6}" y="${py(yv) + 4}" text-anchor="end">${+yv.toPrecision(3)}</text>`);
    parts.push(`<line x1="${L}" y1="${py(yv)}" x2="${W - R}" y2="${py(yv)}" stroke="#eee"/>`);
  }
  if (opts.xLabel)
    parts.push(`<text x="${(L + W - R) / 2}" y="${H - 12}" text-anchor="middle">${esc(opts.xLabel)}</text>`);
  if (opts.yLabel)
    parts.push(
      `<text x="16" y="${(T + H - B) / 2}" transform="rotate(-90 16 ${(T + H - B) / 2})" text-anchor="middle">${esc(opts.yLabel)}</text>`,
    );
  series.forEach((s, i) => {
    const c = s.color ?? seriesColor(i);
    const pts = s.points
      .filter(([x, y]) => Number.isFinite(x) && Number.isFinite(y))
      .map(([x, y]) => `${px(x).toFixed(1)},${py(y).toFixed(1)}`)
      .join(' ');
    parts.push(`<polyline fill="none" stroke="${c}" stroke-width="1.5" points="${pts}"/>`);
    // Sparse series (evaluations) also get a dot per point, so a single point is visible.
    if (s.points.length <= 20) {
      for (const [x, y] of s.points)
        if (Number.isFinite(x) && Number.isFinite(y))
          parts.push(`<circle cx="${px(x).toFixed(1)}" cy="${py(y).toFixed(1)}" r="3" fill="${c}"/>`);
    }
    parts.push(
      `<rect x="${W - R + 14}" y="${T + i * 20}" width="14" height="4" fill="${c}"/><text x="${W - R + 34}" y="${T + i * 20 + 6}">${esc(s.label)}</text>`,
    );
  });
  parts.push('</svg>');
  return parts.join('\n');
}

/** Moving average over a window (smooths per-step loss curves). */
export function smooth(points: [number, number][], window: number): [number, number][] {
  return points.map(([x], i) => {
    const lo = Math.max(0, i - window + 1);
    const slice = points.slice(lo, i + 1);
    return [x, slice.reduce((s, p) => s + p[1], 0) / slice.length];
  });
}

/** Several standalone SVG charts stacked top to bottom in one SVG (width = the widest). */
export function stackSvgs(svgs: readonly string[]): string {
  const size = (svg: string) => {
    const m = /<svg[^>]*\swidth="(\d+(?:\.\d+)?)"[^>]*\sheight="(\d+(?:\.\d+)?)"/.exec(svg);
    if (!m) throw new Error('stackSvgs: an SVG without width/height');
    return [Number(m[1]), Number(m[2])];
  };
  let y = 0,
    width = 0;
  const inner = svgs.map((svg) => {
    const [w, h] = size(svg);
    const placed = svg.replace('<svg ', `<svg x="0" y="${y}" `);
    y += h;
    width = Math.max(width, w);
    return placed;
  });
  return [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${y}">`,
    '<rect width="100%" height="100%" fill="white"/>',
    ...inner,
    '</svg>',
  ].join('\n');
}
