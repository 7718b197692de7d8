/**
 * `nn.utils.rnn`: padSequence, PackedSequence, packPaddedSequence, padPackedSequence and packSequence, as
 * torch.nn.utils.rnn. The recurrent layers take a PackedSequence and run each sequence only over its own
 * length (its final state is the state at its last element; the reverse direction starts there).
 */
import { Tensor, shapeStr } from '../../tensor.js';
import { full, tensor } from '../../creation.js';
import { cat } from '../../ops/cat.js';
import { add } from '../../ops/add.js';
import { narrow } from '../../ops/narrow.js';
import { indexSelect } from '../../ops/index-select.js';
import { reshape } from '../../ops/reshape.js';
import { transpose } from '../../ops/transpose.js';
import { stack } from '../../ops/stack.js';
import { describeValue } from '../../util/describe.js';

function long(values: number[]): Tensor {
  return tensor(values, { dtype: 'int64' });
}

/**
 * Sequences of one batch, time-major and sorted by decreasing length, stored back to back: `data` holds
 * the batchSizes[0] first elements, then the batchSizes[1] second ones, and so on. sortedIndices /
 * unsortedIndices map between the caller's batch order and the sorted one (null when it was sorted).
 * Build with {@link packPaddedSequence} or {@link packSequence}.
 */
export class PackedSequence {
  /** (sum of lengths, *) */
  readonly data: Tensor;
  /** (maxLength) int64: how many sequences are longer than each time step. */
  readonly batchSizes: Tensor;
  /** (B) int64 or null: the caller's index of each sorted sequence. */
  readonly sortedIndices: Tensor | null;
  /** (B) int64 or null: the sorted position of each of the caller's sequences. */
  readonly unsortedIndices: Tensor | null;

  constructor(data: Tensor, batchSizes: Tensor, sortedIndices: Tensor | null = null, unsortedIndices: Tensor | null = null) {
    this.data = data;
    this.batchSizes = batchSizes;
    this.sortedIndices = sortedIndices;
    this.unsortedIndices = unsortedIndices ?? (sortedIndices ? long(invert(Array.from(sortedIndices.data))) : null);
  }

  /** The batch sizes as numbers. */
  get sizes(): number[] {
    return Array.from(this.batchSizes.data);
  }

  /** For each (t, b) of the padded (T, B) layout, the row of `data`, or -1 past that sequence's end. */
  private rowMap(): Int32Array {
    const sizes = this.sizes;
    const B = sizes[0] ?? 0;
    const map = new Int32Array(sizes.length * B).fill(-1);
    let row = 0;
    sizes.forEach((n, t) => {
      for (let b = 0; b < n; b++) map[t * B + b] = row++;
    });
    return map;
  }

  /**
   * True when every sequence runs all T steps: the packed rows, step by step, are then exactly the padded
   * (T, B, *) layout, and toPadded / withPadded are reshapes (no index copies).
   */
  private allFull(): boolean {
    const sizes = this.sizes;
    return sizes.every((n) => n === sizes[0]);
  }

  /** @internal The data as a padded (T, B, *) tensor in sorted order, zeros past each end (differentiable). */
  toPadded(): Tensor {
    const feat = this.data.shape.slice(1);
    if (this.allFull()) return reshape(this.data, [this.sizes.length, this.sizes[0] ?? 0, ...feat]);
    const map = this.rowMap();
    const rows = this.data.shape[0];
    const zero = full([1, ...feat], 0);
    const idx = long(Array.from(map, (r) => (r < 0 ? rows : r)));
    const sizes = this.sizes;
    return reshape(indexSelect(cat([this.data, zero], 0), 0, idx), [sizes.length, sizes[0] ?? 0, ...feat]);
  }

  /**
   * @internal A PackedSequence of the same layout whose data comes from a padded (T, B, *) sorted-order
   * tensor; with `mayAlias`, when every sequence is full, a reshape of it (pass false for a tensor the
   * caller's user holds: packed data never shares the user's storage).
   */
  withPadded(padded: Tensor, mayAlias = true): PackedSequence {
    const [T, B, ...feat] = padded.shape;
    if (mayAlias && this.allFull()) return new PackedSequence(reshape(padded, [T * B, ...feat]), this.batchSizes, this.sortedIndices, this.unsortedIndices);
    const map = this.rowMap();
    const rows: number[] = [];
    map.forEach((r, i) => {
      if (r >= 0) rows[r] = i;
    });
    const data = indexSelect(reshape(padded, [T * B, ...feat]), 0, long(rows));
    return new PackedSequence(data, this.batchSizes, this.sortedIndices, this.unsortedIndices);
  }

  /** @internal A state (L, B, H) from the caller's batch order to the sorted one. */
  permuteState(h: Tensor): Tensor {
    return this.sortedIndices ? indexSelect(h, 1, this.sortedIndices) : h;
  }

  /** @internal A state (L, B, H) from the sorted batch order back to the caller's. */
  unpermuteState(h: Tensor): Tensor {
    return this.unsortedIndices ? indexSelect(h, 1, this.unsortedIndices) : h;
  }

/** A short description of the packed data and its batch sizes, as PyTorch prints a PackedSequence. */
  toString(): string {
    return `PackedSequence(data=${String(this.data)}, batch_sizes=${String(this.batchSizes)}, sorted_indices=${String(this.sortedIndices)}, unsorted_indices=${String(this.unsortedIndices)})`;
  }
}

function invert(perm: number[]): number[] {
  const inv = new Array<number>(perm.length);
  perm.forEach((p, i) => {
    inv[p] = i;
  });
  return inv;
}

/** Lengths from a number array or an int64 tensor, each > 0. */
function lengthsArg(op: string, lengths: unknown, batch: number): number[] {
  const arr = lengths instanceof Tensor ? Array.from(lengths.data) : lengths;
  if (!Array.isArray(arr) || arr.some((v) => typeof v !== 'number' || !Number.isInteger(v))) {
    throw new TypeError(`${op}: expected lengths to be an array of integers or an int64 tensor, got ${describeValue(lengths)}`);
  }
  if (arr.length !== batch) throw new RangeError(`${op}: Expected \`len(lengths)\` to be equal to batch_size, but got ${arr.length} (batch_size=${batch})`);
  if (arr.some((v) => v <= 0)) throw new RangeError(`${op}: Length of all samples has to be greater than 0, but found an element in 'lengths' that is <= 0`);
  return arr as number[];
}

/**
 * Stacks sequences of different lengths into one padded tensor.
 *
 * Shape: sequences (L_i, *) -> (maxL, B, *), or (B, maxL, *) with batchFirst.
 * @example padSequence([a, b]) // a (3, 5), b (2, 5) -> (3, 2, 5)
 */
export function padSequence(sequences: readonly Tensor[], opts: { batchFirst?: boolean; paddingValue?: number } = {}): Tensor {
  const op = 'padSequence';
  if (!Array.isArray(sequences) || sequences.length === 0 || sequences.some((s) => !(s instanceof Tensor))) {
    throw new TypeError(`${op}: expected a non-empty array of Tensors, got ${describeValue(sequences)}`);
  }
  const trailing = sequences[0].shape.slice(1);
  for (const s of sequences) {
    if (s.ndim < 1 || s.ndim - 1 !== trailing.length || s.shape.slice(1).some((d: number, i: number) => d !== trailing[i])) {
      throw new RangeError(`${op}: every sequence must have shape (L, ${trailing.join(', ')}) like the first, got ${shapeStr(s.shape)}`);
    }
  }
  const maxLen = Math.max(...sequences.map((s) => s.shape[0]));
  const value = opts.paddingValue ?? 0;
  const padded = sequences.map((s) => {
    const extra = maxLen - s.shape[0];
    return extra === 0 ? s : cat([s, full([extra, ...trailing], value, { dtype: s.dtype })], 0);
  });
  return stack(padded, opts.batchFirst ? 0 : 1);
}

/**
 * Packs a padded batch of sequences with the given lengths. With enforceSorted (default) the lengths must
 * be in decreasing order; otherwise the batch is sorted here and the PackedSequence remembers the order.
 *
 * Shape: input (T, B, *), or (B, T, *) with batchFirst; lengths (B).
 * @example packPaddedSequence(padded, [3, 2], { batchFirst: true })
 */
export function packPaddedSequence(
  input: Tensor, lengths: readonly number[] | Tensor, opts: { batchFirst?: boolean; enforceSorted?: boolean } = {},
): PackedSequence {
  const op = 'packPaddedSequence';
  if (!(input instanceof Tensor)) throw new TypeError(`${op}: expected input to be a Tensor, got ${describeValue(input)}`);
  if (input.ndim < 2) throw new RangeError(`${op}: expected input of shape (T, B, *), got ${shapeStr(input.shape)}`);
  let x = opts.batchFirst ? transpose(input, 0, 1) : input;
  const [T, B] = x.shape;
  const lens = lengthsArg(op, lengths, B);
  let sortedIndices: Tensor | null = null;
  let order = lens.map((_, i) => i);
  if (opts.enforceSorted ?? true) {
    if (lens.some((v, i) => i > 0 && v > lens[i - 1])) {
      throw new RangeError(`${op}: \`lengths\` array must be sorted in decreasing order when \`enforceSorted\` is true. Pass \`enforceSorted: false\` to sidestep this requirement.`);
    }
  } else {
    order = order.sort((a, b) => lens[b] - lens[a] || a - b);
    sortedIndices = long(order);
    x = indexSelect(x, 1, sortedIndices);
  }
  const sorted = order.map((i) => lens[i]);
  if (sorted[0] > T) throw new RangeError(`${op}: a length (${sorted[0]}) exceeds the padded length ${T}`);
  const batchSizes = Array.from({ length: sorted[0] }, (_, t) => sorted.filter((l) => l > t).length);
  const steps = T === sorted[0] ? x : narrow(x, 0, 0, sorted[0]);
  // withPadded reads only the layout (batchSizes) of the sequence it is called on; steps is the caller's
  // tensor (or a view of it) unless the sort copied it
  return new PackedSequence(steps, long(batchSizes), sortedIndices).withPadded(steps, sortedIndices !== null);
}

/**
 * Unpacks a PackedSequence into a padded tensor (in the caller's batch order) and the lengths.
 *
 * Shape: -> [(T, B, *) or (B, T, *) with batchFirst, lengths (B) int64]; T = totalLength if given.
 * @example const [padded, lengths] = padPackedSequence(packedOutput, { batchFirst: true })
 */
export function padPackedSequence(
  sequence: PackedSequence, opts: { batchFirst?: boolean; paddingValue?: number; totalLength?: number } = {},
): [Tensor, Tensor] {
  const op = 'padPackedSequence';
  if (!(sequence instanceof PackedSequence)) throw new TypeError(`${op}: expected a PackedSequence, got ${describeValue(sequence)}`);
  const sizes = sequence.sizes;
  const T = sizes.length;
  const total = opts.totalLength ?? T;
  if (total < T) {
    throw new RangeError(`${op}: Expected total_length to be at least the length of the longest sequence (${T}), but got total_length=${total}`);
  }
  let padded = sequence.toPadded();
  const feat = padded.shape.slice(2);
  const B = sizes[0] ?? 0;
  const value = opts.paddingValue ?? 0;
  if (value !== 0) {
    const mask = full([T, B, ...feat], value);
    const md = mask.data as Float32Array;
    const inner = feat.reduce((a, b) => a * b, 1);
    sizes.forEach((n, t) => md.fill(0, (t * B) * inner, (t * B + n) * inner));
    padded = add(padded, mask);
  }
  if (total > T) padded = cat([padded, full([total - T, B, ...feat], value)], 0);
  const lengthsSorted = Array.from({ length: B }, (_, b) => sizes.filter((n) => n > b).length);
  let lengths = lengthsSorted;
  if (sequence.unsortedIndices) {
    padded = indexSelect(padded, 1, sequence.unsortedIndices);
    lengths = Array.from(sequence.unsortedIndices.data, (i) => lengthsSorted[i]);
  }
  return [opts.batchFirst ? transpose(padded, 0, 1) : padded, long(lengths)];
}

/**
 * Packs a list of sequences (each (L_i, *)): padSequence then packPaddedSequence.
 * @example packSequence([a, b, c], { enforceSorted: false })
 */
export function packSequence(sequences: readonly Tensor[], opts: { enforceSorted?: boolean } = {}): PackedSequence {
  const lengths = sequences.map((s) => (s instanceof Tensor ? s.shape[0] : Number.NaN));
  return packPaddedSequence(padSequence(sequences), lengths, { enforceSorted: opts.enforceSorted });
}
