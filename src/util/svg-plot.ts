/**
 * Training curves as a standalone SVG (open it in any browser): a loss panel (train and validation
 * loss per epoch) beside an accuracy panel (validation accuracy, and training accuracy when recorded),
 * each with axes, ticks, grid lines and a legend.
 * @example writeCurvesSvg('runs/exp1/curves.svg', [{ epoch: 1, trainLoss: 0.69, valLoss: 0.68, valAcc: 0.61 }, ...]);
 */
import { writeFileAtomic } from '../io/atomic-write.js';

/** One epoch of history. Missing or non-finite values leave a gap in their curve. */
export interface EpochRecord {
  epoch: number;
  trainLoss?: number;
  valLoss?: number;
  /** Validation accuracy in [0, 1]. */
  valAcc?: number;
  /** Training accuracy in [0, 1]. */
  trainAcc?: number;
}

export interface CurvesOptions {
  /** Title above the panels (default 'Training curves'). */
  title?: string;
  /** Total size in pixels (default 960 x 400). */
  width?: number;
  height?: number;
}

interface Series {
  label: string;
  color: string;
  dash?: string;
  /** Runs of consecutive epochs with a value (a missing value starts a new run). */
  runs: [number, number][][];
  points: [number, number][];
}

const FONT = 'font-family="Helvetica, Arial, sans-serif"';

function esc(s: string): string {
  return s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}

function fmt(v: number): string {
  return Number.isInteger(v) ? String(v) : v.toFixed(2).replace(/\.?0+$/, '');
}

function niceNum(x: number, round: boolean): number {
  const e = Math.floor(Math.log10(x));
  const f = x / 10 ** e;
  let nf: number;
  if (round) nf = f < 1.5 ? 1 : f < 3 ? 2 : f < 7 ? 5 : 10;
  else nf = f <= 1 ? 1 : f <= 2 ? 2 : f <= 5 ? 5 : 10;
  return nf * 10 ** e;
}

/** Decimal places that show every multiple of `step` exactly (0.25 -> 2, 5 -> 0, 0.005 -> 3). */
export function stepDecimals(step: number): number {
  let d = Math.max(0, -Math.floor(Math.log10(step)));
  while (d < 12 && Math.abs(Math.round(step * 10 ** d) - step * 10 ** d) > 1e-6) d++;
  return d;
}

/**
 * Tick values covering [lo, hi] with about `count` round steps (1, 2 or 5 times a power of ten); the
 * domain is widened to the outer ticks.
 */
export function niceTicks(lo: number, hi: number, count = 5, integer = false): { lo: number; hi: number; ticks: number[]; step: number } {
  if (!Number.isFinite(lo) || !Number.isFinite(hi)) return { lo: 0, hi: 1, ticks: [0, 0.2, 0.4, 0.6, 0.8, 1], step: 0.2 };
  if (hi < lo) [lo, hi] = [hi, lo];
  if (hi === lo) {
    const pad = lo === 0 ? 1 : Math.abs(lo) * 0.1;
    lo -= pad;
    hi += pad;
  }
  let step = niceNum(niceNum(hi - lo, false) / Math.max(1, count - 1), true);
  if (integer) step = Math.max(1, Math.round(step));
  const a = Math.floor(lo / step + 1e-9) * step;
  const b = Math.ceil(hi / step - 1e-9) * step;
  const ticks: number[] = [];
  for (let v = a; v <= b + step * 1e-6; v += step) ticks.push(Number(v.toPrecision(12)));
  return { lo: a, hi: b, ticks, step };
}

function panel(
  x0: number, y0: number, w: number, h: number, title: string, yLabel: string, series: Series[],
  xDomain: { lo: number; hi: number; ticks: number[] }, yFormat: (v: number, step?: number) => string, yClamp?: [number, number],
): string {
  const out: string[] = [];
  const m = { left: 64, right: 14, top: 30, bottom: 44 };
  const px = x0 + m.left;
  const py = y0 + m.top;
  const pw = w - m.left - m.right;
  const ph = h - m.top - m.bottom;
  const ys = series.flatMap((s) => s.points.map((p) => p[1]));
  let yLo = ys.length ? Math.min(...ys) : 0;
  let yHi = ys.length ? Math.max(...ys) : 1;
  const span = yHi - yLo || Math.abs(yHi) * 0.1 || 1;
  yLo -= 0.05 * span; // keep points off the frame
  yHi += 0.05 * span;
  if (yClamp) {
    yLo = Math.max(yClamp[0], yLo);
    yHi = Math.min(yClamp[1], yHi);
  }
  const yd = niceTicks(yLo, yHi, 6);
  if (yClamp) {
    yd.lo = Math.max(yd.lo, yClamp[0]);
    yd.hi = Math.min(yd.hi, yClamp[1]);
    yd.ticks = yd.ticks.filter((t) => t >= yd.lo - 1e-12 && t <= yd.hi + 1e-12);
  }
  const sx = (v: number) => px + ((v - xDomain.lo) / (xDomain.hi - xDomain.lo)) * pw;
  const sy = (v: number) => py + ph - ((v - yd.lo) / (yd.hi - yd.lo)) * ph;
  const r = (v: number) => v.toFixed(2);

  out.push(`<g class="panel">`);
  out.push(`<text x="${r(px + pw / 2)}" y="${r(y0 + 18)}" text-anchor="middle" font-size="14" font-weight="bold" ${FONT}>${esc(title)}</text>`);
  out.push(`<rect x="${r(px)}" y="${r(py)}" width="${r(pw)}" height="${r(ph)}" fill="#ffffff" stroke="none"/>`);
  for (const t of yd.ticks) {
    const y = sy(t);
    out.push(`<line x1="${r(px)}" y1="${r(y)}" x2="${r(px + pw)}" y2="${r(y)}" stroke="#e5e5e5" stroke-width="1"/>`);
    out.push(`<line x1="${r(px - 5)}" y1="${r(y)}" x2="${r(px)}" y2="${r(y)}" stroke="#333333" stroke-width="1"/>`);
    out.push(`<text x="${r(px - 8)}" y="${r(y + 4)}" text-anchor="end" font-size="11" ${FONT}>${esc(yFormat(t, yd.step))}</text>`);
  }
  for (const t of xDomain.ticks) {
    const x = sx(t);
    out.push(`<line x1="${r(x)}" y1="${r(py)}" x2="${r(x)}" y2="${r(py + ph)}" stroke="#f0f0f0" stroke-width="1"/>`);
    out.push(`<line x1="${r(x)}" y1="${r(py + ph)}" x2="${r(x)}" y2="${r(py + ph + 5)}" stroke="#333333" stroke-width="1"/>`);
    out.push(`<text x="${r(x)}" y="${r(py + ph + 18)}" text-anchor="middle" font-size="11" ${FONT}>${esc(fmt(t))}</text>`);
  }
  out.push(`<line class="x-axis" x1="${r(px)}" y1="${r(py + ph)}" x2="${r(px + pw)}" y2="${r(py + ph)}" stroke="#333333" stroke-width="1"/>`);
  out.push(`<line class="y-axis" x1="${r(px)}" y1="${r(py)}" x2="${r(px)}" y2="${r(py + ph)}" stroke="#333333" stroke-width="1"/>`);
  out.push(`<text x="${r(px + pw / 2)}" y="${r(py + ph + 36)}" text-anchor="middle" font-size="12" ${FONT}>epoch</text>`);
  out.push(`<text x="${r(x0 + 12)}" y="${r(py + ph / 2)}" text-anchor="middle" font-size="12" transform="rotate(-90 ${r(x0 + 12)} ${r(py + ph / 2)})" ${FONT}>${esc(yLabel)}</text>`);

  for (const s of series) {
    const dash = s.dash ? ` stroke-dasharray="${s.dash}"` : '';
    for (const run of s.runs) {
      const pts = run.map(([x, y]) => `${r(sx(x))},${r(sy(y))}`).join(' ');
      out.push(`<polyline class="series" data-label="${esc(s.label)}" points="${pts}" fill="none" stroke="${s.color}" stroke-width="2"${dash}/>`);
    }
    for (const [x, y] of s.points) {
      out.push(`<circle cx="${r(sx(x))}" cy="${r(sy(y))}" r="2.5" fill="${s.color}"><title>${esc(`${s.label}, epoch ${fmt(x)}: ${yFormat(y)}`)}</title></circle>`);
    }
  }
  const shown = series.filter((s) => s.points.length > 0);
  if (shown.length === 0) {
    out.push(`<text x="${r(px + pw / 2)}" y="${r(py + ph / 2)}" text-anchor="middle" font-size="12" fill="#888888" ${FONT}>no data</text>`);
  } else {
    const lw = 12 + Math.max(...shown.map((s) => s.label.length)) * 6.5 + 30;
    const lh = 8 + shown.length * 16;
    // the corner whose box covers the fewest points (top right first)
    const corners: [number, number][] = [
      [px + pw - lw - 8, py + 8], [px + pw - lw - 8, py + ph - lh - 8], [px + 8, py + 8], [px + 8, py + ph - lh - 8],
    ];
    const pts: (readonly [number, number])[] = [];
    for (const s of shown) {
      for (const run of s.runs) {
        run.forEach(([x, y], i) => {
          pts.push([sx(x), sy(y)]);
          if (i + 1 < run.length) { // sample the segment to the next point too
            const [x2, y2] = run[i + 1];
            for (let k = 1; k < 8; k++) pts.push([sx(x + ((x2 - x) * k) / 8), sy(y + ((y2 - y) * k) / 8)]);
          }
        });
      }
    }
    const covered = ([cx, cy]: [number, number]) => pts.filter(([x, y]) => x >= cx - 4 && x <= cx + lw + 4 && y >= cy - 4 && y <= cy + lh + 4).length;
    let [lx, ly] = corners[0];
    let least = covered(corners[0]);
    for (const c of corners.slice(1)) {
      const k = covered(c);
      if (k < least) [lx, ly, least] = [c[0], c[1], k];
    }
    out.push(`<g class="legend">`);
    out.push(`<rect x="${r(lx)}" y="${r(ly)}" width="${r(lw)}" height="${r(lh)}" fill="#ffffff" fill-opacity="0.85" stroke="#999999" stroke-width="1"/>`);
    shown.forEach((s, i) => {
      const yy = ly + 14 + i * 16;
      const dash = s.dash ? ` stroke-dasharray="${s.dash}"` : '';
      out.push(`<line x1="${r(lx + 8)}" y1="${r(yy - 4)}" x2="${r(lx + 30)}" y2="${r(yy - 4)}" stroke="${s.color}" stroke-width="2"${dash}/>`);
      out.push(`<text x="${r(lx + 36)}" y="${r(yy)}" font-size="11" ${FONT}>${esc(s.label)}</text>`);
    });
    out.push(`</g>`);
  }
  out.push(`</g>`);
  return out.join('\n');
}

/**
 * Render the curves as an SVG document string. Epochs are the x axis of both panels; losses share the
 * left panel's y axis; accuracies are shown in percent on the right panel.
 */
export function curvesSvg(history: readonly EpochRecord[], opts: CurvesOptions = {}): string {
  if (!Array.isArray(history)) throw new TypeError('curvesSvg: history must be an array of { epoch, trainLoss, valLoss, valAcc }');
  const width = opts.width ?? 960;
  const height = opts.height ?? 400;
  if (!(width >= 300 && height >= 200)) throw new RangeError(`curvesSvg: width and height must be at least 300 x 200, got ${width} x ${height}`);
  const title = opts.title ?? 'Training curves';
  const sorted = history.filter((h) => Number.isFinite(h.epoch)).sort((a, b) => a.epoch - b.epoch);
  const pick = (key: keyof EpochRecord): { runs: [number, number][][]; points: [number, number][] } => {
    const runs: [number, number][][] = [];
    let cur: [number, number][] | null = null;
    for (const h of sorted) {
      const v = h[key];
      if (typeof v === 'number' && Number.isFinite(v)) {
        if (!cur) runs.push((cur = []));
        cur.push([h.epoch, v]);
      } else {
        cur = null;
      }
    }
    return { runs, points: runs.flat() };
  };
  const epochs = sorted.map((h) => h.epoch);
  const eLo = epochs.length ? Math.min(...epochs) : 1;
  const eHi = epochs.length ? Math.max(...epochs) : 1;
  const integerEpochs = epochs.every(Number.isInteger);
  const xd = eHi === eLo
    ? niceTicks(eLo - 1, eLo + 1, 3, true)
    : integerEpochs && eHi - eLo < 12 // every epoch gets a tick
      ? { lo: eLo, hi: eHi, ticks: Array.from({ length: eHi - eLo + 1 }, (_, i) => eLo + i), step: 1 }
      : niceTicks(eLo, eHi, 10, integerEpochs);
  const top = 34;
  const panelW = width / 2;
  const panelH = height - top;
  const lossSeries: Series[] = [
    { label: 'train loss', color: '#1f77b4', ...pick('trainLoss') },
    { label: 'val loss', color: '#ff7f0e', ...pick('valLoss') },
  ];
  const nonNegative = lossSeries.every((sr) => sr.points.every(([, v]) => v >= 0));
  const loss = panel(0, top, panelW, panelH, 'Loss', 'loss', lossSeries, xd, (v, step) => v.toFixed(stepDecimals(step ?? 0.1)),
    nonNegative ? [0, Infinity] : undefined);
  const accSeries: Series[] = [{ label: 'val accuracy', color: '#2ca02c', ...pick('valAcc') }];
  const trainAcc = pick('trainAcc');
  if (trainAcc.points.length > 0) accSeries.push({ label: 'train accuracy', color: '#9467bd', dash: '5,3', ...trainAcc });
  const acc = panel(panelW, top, panelW, panelH, 'Accuracy', 'accuracy', accSeries, xd, (v, step) => `${(v * 100).toFixed(stepDecimals((step ?? 0.1) * 100))}%`, [0, 1]);
  return [
    '<?xml version="1.0" encoding="UTF-8"?>',
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}">`,
    `<rect x="0" y="0" width="${width}" height="${height}" fill="#fafafa"/>`,
    `<text x="${(width / 2).toFixed(2)}" y="22" text-anchor="middle" font-size="16" font-weight="bold" ${FONT}>${esc(title)}</text>`,
    loss,
    acc,
    '</svg>',
    '',
  ].join('\n');
}

/** Write curvesSvg(history) to `path` as UTF-8, atomically (see writeFileAtomic: temporary file, fsync, rename). */
export function writeCurvesSvg(path: string, history: readonly EpochRecord[], opts: CurvesOptions = {}): void {
  writeFileAtomic(path, Buffer.from(curvesSvg(history, opts), 'utf8'));
}
