/**
 * The pointwise parts of the recurrent cells (PyTorch's gate order and formulas), one step for `rows`
 * batch rows at a time, forward and backward. The matmuls around them are the caller's (rnn-layer.ts).
 *
 * Notation: H hidden size; `a` the pre-activation gates of the step, (rows, G) with G = gates * H, laid out
 * as PyTorch's weights are (LSTM: i, f, g, o; GRU: r, z, n).
 */

export type RnnMode = 'RNN_TANH' | 'RNN_RELU' | 'LSTM' | 'GRU';

/** Gates per mode: the rows of weight_ih / weight_hh are gates * hiddenSize. */
export function gateCount(mode: RnnMode): number {
  return mode === 'LSTM' ? 4 : mode === 'GRU' ? 3 : 1;
}

function sigmoid(v: number): number {
  return 1 / (1 + Math.exp(-v));
}

/**
 * RNN: h = act(a). Writes h (rows, H) and keeps the activation in `act` (= h).
 */
export function rnnForward(a: Float32Array, h: Float32Array, rows: number, hs: number, relu: boolean): void {
  for (let i = 0; i < rows * hs; i++) h[i] = relu ? (a[i] > 0 ? a[i] : 0) : Math.tanh(a[i]);
}

/** RNN backward: da = dh * act'(a), from the saved output h. */
export function rnnBackward(dh: Float32Array, h: Float32Array, da: Float32Array, rows: number, hs: number, relu: boolean): void {
  for (let i = 0; i < rows * hs; i++) da[i] = relu ? (h[i] > 0 ? dh[i] : 0) : dh[i] * (1 - h[i] * h[i]);
}

// The LSTM step's pointwise part is a backend kernel pair: lstmCellForward / lstmCellBackward
// (src/backend/ref/lstm-cell.ts is its spec).

/**
 * GRU: r = sigmoid(xr + hr), z = sigmoid(xz + hz), n = tanh(xn + r * hn), h = (1 - z) * n + z * hPrev, with
 * x = the input projection (+ b_ih) and hh = the hidden projection (+ b_hh) of the step. Saves r, z, n in
 * `x` (in place) and keeps hn in `hh`.
 */
export function gruForward(x: Float32Array, hh: Float32Array, hPrev: Float32Array, h: Float32Array, rows: number, hs: number): void {
  for (let r = 0; r < rows; r++) {
    const o3 = r * 3 * hs;
    for (let j = 0; j < hs; j++) {
      const rg = sigmoid(x[o3 + j] + hh[o3 + j]);
      const zg = sigmoid(x[o3 + hs + j] + hh[o3 + hs + j]);
      const ng = Math.tanh(x[o3 + 2 * hs + j] + rg * hh[o3 + 2 * hs + j]);
      x[o3 + j] = rg;
      x[o3 + hs + j] = zg;
      x[o3 + 2 * hs + j] = ng;
      const k = r * hs + j;
      h[k] = (1 - zg) * ng + zg * hPrev[k];
    }
  }
}

/**
 * GRU backward from the saved r, z, n (`act`) and hn (`hh`): given dh, writes the gradients of the input
 * projection (dx) and of the hidden projection (dhh), and dh's direct part to hPrev into dhPrev.
 */
export function gruBackward(
  act: Float32Array, hh: Float32Array, hPrev: Float32Array, dh: Float32Array, dx: Float32Array, dhh: Float32Array,
  dhPrev: Float32Array, rows: number, hs: number,
): void {
  for (let r = 0; r < rows; r++) {
    const o3 = r * 3 * hs;
    for (let j = 0; j < hs; j++) {
      const k = r * hs + j;
      const rg = act[o3 + j];
      const zg = act[o3 + hs + j];
      const ng = act[o3 + 2 * hs + j];
      const d = dh[k];
      const dan = d * (1 - zg) * (1 - ng * ng);
      const dar = dan * hh[o3 + 2 * hs + j] * rg * (1 - rg);
      const daz = d * (hPrev[k] - ng) * zg * (1 - zg);
      dx[o3 + j] = dar;
      dx[o3 + hs + j] = daz;
      dx[o3 + 2 * hs + j] = dan;
      dhh[o3 + j] = dar;
      dhh[o3 + hs + j] = daz;
      dhh[o3 + 2 * hs + j] = dan * rg;
      dhPrev[k] = d * zg;
    }
  }
}
