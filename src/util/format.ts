import type { Tensor } from '../tensor.js';

/**
 * PyTorch's tensor repr (a port of torch/_tensor_str.py with its default print options: precision 4,
 * threshold 1000 elements, 3 edge items, line width 80): fixed or scientific notation chosen from the
 * finite non-zero values, right-aligned columns, rows wrapped at 80 characters, summarised with '...'
 * above 1000 elements, and the dtype/size/grad_fn/requires_grad suffixes.
 */
const PRECISION = 4;
const THRESHOLD = 1000;
const EDGE = 3;
const LINEWIDTH = 80;

export function formatTensor(t: Tensor): string {
  const prefix = 'tensor(';
  const indent = prefix.length;
  const suffixes: string[] = [];
  let body: string;
  if (t.numel() === 0) {
    if (t.ndim !== 1) suffixes.push(`size=(${t.shape.join(', ')})`);
    if (t.dtype !== 'float32') suffixes.push(`dtype=torch.${t.dtype}`);
    body = '[]';
  } else {
    const summarize = t.numel() > THRESHOLD;
    // The printers index `data` element by element: gather a strided view once, not per element.
    const c = t.isContiguous() ? t : new (t.constructor as typeof Tensor)(t.data, t.shape, t.dtype);
    const fmt = new Formatter(t.dtype, summarize ? summarizedValues(c) : Array.from(c.data as ArrayLike<number>));
    body = tensorStr(c, 0, 0, indent, summarize, fmt);
  }
  if (t.gradFn) suffixes.push(`grad_fn=<${t.gradFn.name}>`);
  else if (t.requiresGrad) suffixes.push('requires_grad=True');
  return `${addSuffixes(prefix + body, suffixes, indent)})`;
}

function addSuffixes(str: string, suffixes: string[], indent: number): string {
  let out = str;
  let lastLineLen = str.length - str.lastIndexOf('\n') + 1;
  for (const s of suffixes) {
    if (lastLineLen + s.length + 2 > LINEWIDTH) {
      out += `,\n${' '.repeat(indent)}${s}`;
      lastLineLen = indent + s.length;
    } else {
      out += `, ${s}`;
      lastLineLen += s.length + 2;
    }
  }
  return out;
}

/** Python's '{:.Nf}' (round half to even on the exact binary value; keeps the sign of -0). */
function fixed(v: number, digits: number): string {
  if (!Number.isFinite(v)) return Number.isNaN(v) ? 'nan' : v > 0 ? 'inf' : '-inf';
  let s = v.toFixed(digits);
  // toFixed breaks exact ties away from zero; Python rounds them to even. For float32 values the
  // scaled product is exact, so a tie is detectable.
  const scaled = Math.abs(v) * 10 ** digits;
  if (scaled < 2 ** 52 && scaled - Math.floor(scaled) === 0.5 && Math.floor(scaled) % 2 === 0) {
    s = (Math.sign(v) * Math.floor(scaled) / 10 ** digits).toFixed(digits);
  }
  if ((Object.is(v, -0) || v < 0) && !s.startsWith('-')) s = `-${s}`;
  return s;
}

/** Python's '{:.Ne}': mantissa and a sign plus at least two exponent digits. */
function scientific(v: number, digits: number): string {
  if (!Number.isFinite(v)) return Number.isNaN(v) ? 'nan' : v > 0 ? 'inf' : '-inf';
  const s = v.toExponential(digits).replace(/e([+-])(\d)$/, 'e$10$2');
  return Object.is(v, -0) ? `-${s}` : s;
}

class Formatter {
  private intMode = true;
  private sciMode = false;
  private maxWidth = 1;

  constructor(private readonly dtype: string, values: number[]) {
    if (dtype !== 'float32') {
      for (const v of values) this.maxWidth = Math.max(this.maxWidth, this.plain(v).length);
      return;
    }
    const nz = values.filter((v) => Number.isFinite(v) && v !== 0);
    if (nz.length === 0) return;
    const abs = nz.map(Math.abs);
    const lo = Math.min(...abs);
    const hi = Math.max(...abs);
    this.intMode = nz.every((v) => v === Math.ceil(v));
    if (hi / lo > 1000 || hi > 1e8 || (!this.intMode && lo < 1e-4)) {
      this.sciMode = true;
      for (const v of nz) this.maxWidth = Math.max(this.maxWidth, scientific(v, PRECISION).length);
    } else if (this.intMode) {
      for (const v of nz) this.maxWidth = Math.max(this.maxWidth, fixed(v, 0).length + 1);
    } else {
      for (const v of nz) this.maxWidth = Math.max(this.maxWidth, fixed(v, PRECISION).length);
    }
  }

  width(): number {
    return this.maxWidth;
  }

  private plain(v: number): string {
    if (this.dtype === 'bool') return v ? 'True' : 'False';
    return Math.abs(v) > Number.MAX_SAFE_INTEGER ? BigInt(v).toString() : String(v);
  }

  format(v: number): string {
    let s: string;
    if (this.dtype !== 'float32') s = this.plain(v);
    else if (this.sciMode) s = scientific(v, PRECISION);
    else if (this.intMode) s = fixed(v, 0) + (Number.isFinite(v) ? '.' : '');
    else s = fixed(v, PRECISION);
    return s.padStart(this.maxWidth);
  }
}

/** Positions shown along a dim of size n: all, or the first and last EDGE when summarising. */
function shown(n: number, summarize: boolean): (number | null)[] {
  if (!summarize || n <= 2 * EDGE) return [...Array(n).keys()];
  return [...Array(EDGE).keys(), null, ...Array.from({ length: EDGE }, (_, i) => n - EDGE + i)];
}

/** The values that a summarised print shows (torch's get_summarized_data), for the formatter. */
function summarizedValues(t: Tensor): number[] {
  const out: number[] = [];
  const walk = (dim: number, offset: number) => {
    if (dim === t.ndim) {
      out.push(t.data[offset]);
      return;
    }
    const stride = t.shape.slice(dim + 1).reduce((a, b) => a * b, 1);
    for (const i of shown(t.shape[dim], true)) if (i !== null) walk(dim + 1, offset + i * stride);
  };
  walk(0, 0);
  return out;
}

function tensorStr(t: Tensor, dim: number, offset: number, indent: number, summarize: boolean, fmt: Formatter): string {
  if (t.ndim === 0) return fmt.format(t.data[0]);
  const n = t.shape[dim];
  const idx = shown(n, summarize);
  if (dim === t.ndim - 1) {
    const perLine = Math.max(1, Math.floor((LINEWIDTH - indent) / (fmt.width() + 2)));
    const items = idx.map((i) => (i === null ? ' ...' : fmt.format(t.data[offset + i])));
    const lines: string[] = [];
    for (let i = 0; i < items.length; i += perLine) lines.push(items.slice(i, i + perLine).join(', '));
    return `[${lines.join(`,\n${' '.repeat(indent + 1)}`)}]`;
  }
  const stride = t.shape.slice(dim + 1).reduce((a, b) => a * b, 1);
  const rows = idx.map((i) => (i === null ? '...' : tensorStr(t, dim + 1, offset + i * stride, indent + 1, summarize, fmt)));
  return `[${rows.join(`,${'\n'.repeat(t.ndim - dim - 1)}${' '.repeat(indent + 1)}`)}]`;
}
