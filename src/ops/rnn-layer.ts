/**
 * rnnLayer: one direction of one layer of an RNN, LSTM or GRU over a whole sequence, as one autograd op.
 *
 * The input projection of every time step is one matmul (T * B rows); each step then does one matmul with
 * weight_hh for the rows still running and the cell's pointwise math (rnn-cells.ts). The backward runs
 * the steps in reverse (one matmul with weight_hh per step) and then gets the weight and input gradients
 * from one matmul each over all steps, as cuDNN-style implementations do.
 *
 * Variable lengths (packed sequences): `batchSizes[t]` rows run at time t, the first ones (the batch is
 * sorted by decreasing length). Rows that have ended keep their state and output zeros; running in
 * reverse, a row starts from h0 at its own last element.
 *
 * The large per-call arrays (the projections and states saved for backward, the gate gradients, the
 * returned gradients) come from the gradient pool (src/util/grad-pool.ts) and go back to it once spent, so a
 * training loop allocates no fresh memory per step for them (fresh arrays page-fault and make V8 collect
 * garbage for external memory pressure).
 */
import { Tensor } from '../tensor.js';
import { record } from '../autograd/record.js';
import { getBackend } from '../backend/select.js';
import { gradBuffer, gradBufferZeroed, releaseGrad } from '../util/grad-pool.js';
import { fillRows } from '../util/fill-rows.js';
import {
  gateCount, gruBackward, gruForward, rnnBackward, rnnForward, type RnnMode,
} from './rnn-cells.js';

export interface RnnLayerOptions {
  /** Run from the last time step to the first (the reverse direction of a bidirectional layer). */
  reverse: boolean;
  /** Rows running at each time step (non-increasing), or null: all B at every step. */
  batchSizes: readonly number[] | null;
}

/** c (m, n) = a @ op(b) + beta * c on the backend, skipping empty products. */
function mm(a: Float32Array, b: Float32Array, c: Float32Array, m: number, n: number, k: number, transA: boolean, transB: boolean, beta: 0 | 1): void {
  if (m === 0 || n === 0) return;
  getBackend().matmul(a, b, c, { m, n, k, transA, transB, alpha: 1, beta });
}

/** Each row of `out` (rows, cols) set to `bias`, or zeros. */
function biasRows(out: Float32Array, bias: Float32Array | null, rows: number, cols: number): void {
  if (bias) fillRows(out, bias, rows);
  else out.fill(0, 0, rows * cols);
}

/** Column sums of m (rows, cols) in float64, as float32 (the backend's columnSum). */
function colSums(m: Float32Array, rows: number, cols: number): Float32Array {
  const out = new Float32Array(cols);
  getBackend().columnSum(m, out, { rows, cols });
  return out;
}

/**
 * Runs the layer. x (T, B, I); h0, c0 (B, H) (c0 for LSTM only); weights as PyTorch's weight_ih (G, I),
 * weight_hh (G, H), bias_ih and bias_hh (G) with G = gates * H.
 *
 * Shape: returns (T + 1, B, H) = [output (T, B, H); hN], or (T + 2, B, H) with cN last for LSTM.
 */
export function rnnLayer(
  mode: RnnMode, x: Tensor, h0: Tensor, c0: Tensor | null, wih: Tensor, whh: Tensor, bih: Tensor | null, bhh: Tensor | null,
  opts: RnnLayerOptions,
): Tensor {
  const [T, B, I] = x.shape;
  const H = h0.shape[1];
  const G = gateCount(mode) * H;
  const lstm = mode === 'LSTM';
  const gru = mode === 'GRU';
  const relu = mode === 'RNN_RELU';
  const xd = x.data as Float32Array;
  const wihd = wih.data as Float32Array;
  const whhd = whh.data as Float32Array;
  const bhhd = bhh ? (bhh.data as Float32Array) : null;
  const bs = (t: number): number => (opts.batchSizes ? opts.batchSizes[t] : B);
  const order = Array.from({ length: T }, (_, k) => (opts.reverse ? T - 1 - k : k));

  // Input projection of every step at once: XI = x @ W_ih^T + b_ih (T * B, G).
  const XI = gradBuffer(T * B * G); // every row set by biasRows
  biasRows(XI, bih ? (bih.data as Float32Array) : null, T * B, G);
  mm(xd, wihd, XI, T * B, G, I, false, true, 1);

  const out = new Float32Array((T + (lstm ? 2 : 1)) * B * H); // [Y; hN; cN], Y zero where a row has ended
  const Y = out.subarray(0, T * B * H);
  const hCur = out.subarray(T * B * H, (T + 1) * B * H);
  hCur.set(h0.data as Float32Array);
  const cCur = lstm ? out.subarray((T + 1) * B * H) : null;
  if (cCur) cCur.set(c0!.data as Float32Array);
  // Saved for backward; only the first batchSizes[t] rows of step t are written or read in cT and HH.
  const hPrevT = gradBuffer(T * B * H); // the state each time step started from, in time order
  const cPrevT = lstm ? gradBuffer(T * B * H) : null;
  const cT = lstm ? gradBuffer(T * B * H) : null; // the cell after each step
  const HH = gru ? gradBuffer(T * B * G) : null; // GRU: hidden projection of each step (+ b_hh)
  const release = () => {
    for (const a of [XI, hPrevT, cPrevT, cT, HH]) if (a !== null) releaseGrad(a);
  };

  for (const t of order) {
    const n = bs(t);
    const hOff = t * B * H;
    hPrevT.set(hCur, hOff);
    const a = XI.subarray(t * B * G, t * B * G + n * G);
    const hNew = Y.subarray(hOff, hOff + n * H);
    const hRun = hCur.subarray(0, n * H);
    if (gru) {
      const hh = HH!.subarray(t * B * G, t * B * G + n * G);
      biasRows(hh, bhhd, n, G);
      mm(hRun, whhd, hh, n, G, H, false, true, 1);
      gruForward(a, hh, hRun, hNew, n, H);
    } else {
      if (bhhd) for (let r = 0; r < n; r++) for (let j = 0; j < G; j++) a[r * G + j] += bhhd[j];
      mm(hRun, whhd, a, n, G, H, false, true, 1);
      if (lstm) {
        cPrevT!.set(cCur!, hOff);
        const cNew = cT!.subarray(hOff, hOff + n * H);
        getBackend().lstmCellForward(a, cCur!.subarray(0, n * H), cNew, hNew, { rows: n, hs: H, g: G });
        cCur!.set(cNew);
      } else {
        rnnForward(a, hNew, n, H, relu);
      }
    }
    hCur.set(hNew);
  }

  const inputs = [x, h0, c0, wih, whh, bih, bhh];
  const result = record(new Tensor(out, [T + (lstm ? 2 : 1), B, H]), `${mode === 'LSTM' ? 'Lstm' : mode === 'GRU' ? 'Gru' : 'Rnn'}LayerBackward0`, inputs, (g) => {
    const gd = g.data as Float32Array;
    const dhCur = copyOf(gd.subarray(T * B * H, (T + 1) * B * H));
    const dcCur = lstm ? copyOf(gd.subarray((T + 1) * B * H)) : null;
    const dXI = gradBufferZeroed(T * B * G); // zero for rows that had ended
    const dHH = gru ? gradBufferZeroed(T * B * G) : dXI; // gradient of the hidden projection
    const dh = new Float32Array(B * H);
    for (let k = T - 1; k >= 0; k--) {
      const t = order[k];
      const n = bs(t);
      const hOff = t * B * H;
      for (let i = 0; i < n * H; i++) dh[i] = dhCur[i] + gd[hOff + i];
      const da = dXI.subarray(t * B * G, t * B * G + n * G);
      const dhRun = dhCur.subarray(0, n * H);
      if (gru) {
        const dhh = dHH.subarray(t * B * G, t * B * G + n * G);
        gruBackward(XI.subarray(t * B * G), HH!.subarray(t * B * G), hPrevT.subarray(hOff), dh, da, dhh, dhRun, n, H);
        mm(dhh, whhd, dhRun, n, H, G, false, false, 1);
      } else {
        if (lstm) {
          const len = n * H;
          getBackend().lstmCellBackward(XI.subarray(t * B * G, t * B * G + n * G), cPrevT!.subarray(hOff, hOff + len),
            cT!.subarray(hOff, hOff + len), dh.subarray(0, len), dcCur!.subarray(0, len), da, { rows: n, hs: H, g: G });
        } else {
          rnnBackward(dh, Y.subarray(hOff), da, n, H, relu);
        }
        mm(da, whhd, dhRun, n, H, G, false, false, 0);
      }
    }
    let gx: Tensor | null = null;
    if (x.requiresGrad) {
      const buf = gradBuffer(T * B * I); // every element written (beta 0)
      mm(dXI, wihd, buf, T * B, I, G, false, false, 0);
      gx = new Tensor(buf, x.shape);
    }
    let gwih: Tensor | null = null;
    if (wih.requiresGrad) {
      const buf = gradBufferZeroed(G * I); // zeros when no step ran (T * B = 0)
      mm(dXI, xd, buf, G, I, T * B, true, false, 0);
      gwih = new Tensor(buf, wih.shape);
    }
    let gwhh: Tensor | null = null;
    if (whh.requiresGrad) {
      const buf = gradBufferZeroed(G * H);
      mm(dHH, hPrevT, buf, G, H, T * B, true, false, 0);
      gwhh = new Tensor(buf, whh.shape);
    }
    const gbih = bih?.requiresGrad ? colSums(dXI, T * B, G) : null;
    // LSTM and RNN: the hidden projection's gradient is dXI itself, so b_hh's sum is b_ih's.
    const gbhh = bhh?.requiresGrad ? (dHH === dXI && gbih !== null ? gbih.slice() : colSums(dHH, T * B, G)) : null;
    releaseGrad(dXI); // read for the last time above
    if (dHH !== dXI) releaseGrad(dHH);
    return [
      gx,
      new Tensor(dhCur, h0.shape),
      dcCur ? new Tensor(dcCur, c0!.shape) : null,
      gwih,
      gwhh,
      gbih ? new Tensor(gbih, bih!.shape) : null,
      gbhh ? new Tensor(gbhh, bhh!.shape) : null,
    ];
  }, { mode, reverse: opts.reverse, packed: opts.batchSizes !== null }, { release });
  if (result.gradFn === null) release(); // no graph: nothing reads the saved arrays again
  return result;
}

/** A pool buffer holding a copy of `src` (a gradient this op returns). */
function copyOf(src: Float32Array): Float32Array {
  const out = gradBuffer(src.length);
  out.set(src);
  return out;
}
