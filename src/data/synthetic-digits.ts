/**
 * SyntheticDigits: a seeded, deterministic ten-class data set of 28x28 grey images of the digits 0-9,
 * drawn as seven-segment glyphs, the built-in stand-in for an MNIST-like image classification task.
 *
 * Generative model of sample i (its own random stream from (seed, i), so sample i is the same whatever
 * numSamples is). The glyph is the digit's lit segments (a top, b top right, c bottom right, d bottom,
 * e bottom left, f top left, g middle) on a box of width W ~ U(9, 14) and height H ~ U(14, 19) pixels,
 * centred at (14 + dx, 14 + dy) with dx, dy ~ U(-3, 3), slanted by a shear s ~ U(-0.3, 0.3) (x moves by
 * s times the height above the centre), each segment end jittered by U(-1, 1) pixels. A pixel's ink is
 * 1 inside a stroke of half-width r ~ U(0.9, 1.8) around a lit segment, falling linearly to 0 one pixel
 * further out (anti-aliasing). Then
 *
 *   x = ink * contrast + background + noise,  contrast ~ U(0.6, 1), background ~ U(0, 0.2),
 *   noise white Gaussian of std U(0.05, 0.2) * noiseScale.
 *
 * The position, size and slant vary by more than a stroke width, so no fixed pixel tells a digit apart:
 * a model must detect strokes wherever they are (a convolution's job). Labels are exactly balanced:
 * each block of ten consecutive samples holds every digit once, in an order drawn from (seed, block).
 */
import { Tensor } from '../tensor.js';
import { Dataset, checkIndex, type DatasetSpec } from './dataset.js';
import { streamGenerator, syntheticOptions } from './synthetic.js';

/** Options of `data.SyntheticDigits`: the number of samples, the seed and the noise scale. */
export interface SyntheticDigitsOptions {
  /** Number of samples. */
  numSamples: number;
  /** Seed of the whole data set; default 0. Use different seeds for independent train/validation sets. */
  seed?: number;
  /** Multiplies the noise standard deviation (default 1; larger is harder). */
  noiseScale?: number;
}

/** One sample: the image (1, 28, 28) float32 and its digit 0-9. */
export type DigitSample = [Tensor, number];

/** Image side in pixels. */
const SIDE = 28;

/** Segment end points in glyph units: x in [0, 1] left to right, y in [0, 2] top to bottom. */
const SEGMENTS: readonly (readonly [number, number, number, number])[] = [
  [0, 0, 1, 0], // a: top
  [1, 0, 1, 1], // b: top right
  [1, 1, 1, 2], // c: bottom right
  [0, 2, 1, 2], // d: bottom
  [0, 1, 0, 2], // e: bottom left
  [0, 0, 0, 1], // f: top left
  [0, 1, 1, 1], // g: middle
];

/** The lit segments of each digit, as indices into SEGMENTS (the usual seven-segment encoding). */
const DIGIT_SEGMENTS: readonly (readonly number[])[] = [
  [0, 1, 2, 3, 4, 5], // 0
  [1, 2], // 1
  [0, 1, 6, 4, 3], // 2
  [0, 1, 6, 2, 3], // 3
  [5, 6, 1, 2], // 4
  [0, 5, 6, 2, 3], // 5
  [0, 5, 6, 4, 2, 3], // 6
  [0, 1, 2], // 7
  [0, 1, 2, 3, 4, 5, 6], // 8
  [0, 1, 2, 3, 5, 6], // 9
];

/** Distance from (px, py) to the segment (x0, y0)-(x1, y1). */
function segmentDistance(px: number, py: number, x0: number, y0: number, x1: number, y1: number): number {
  const vx = x1 - x0;
  const vy = y1 - y0;
  const len2 = vx * vx + vy * vy;
  const t = len2 === 0 ? 0 : Math.min(1, Math.max(0, ((px - x0) * vx + (py - y0) * vy) / len2));
  const dx = px - (x0 + t * vx);
  const dy = py - (y0 + t * vy);
  return Math.sqrt(dx * dx + dy * dy);
}

/**
 * The built-in synthetic digit images (see the module comment for the generative model).
 *
 * Shape: getItem(i) gives `[x, y]` with x of shape (1, 28, 28) float32 and y the digit (0-9); a
 * DataLoader batches them to (B, 1, 28, 28) float32 and (B,) int64.
 * @example
 * const train = new data.SyntheticDigits({ numSamples: 5000, seed: 1 });
 * const [x, y] = train.getItem(0); // x: (1, 28, 28), y: 0..9
 */
export class SyntheticDigits extends Dataset<DigitSample> {
  readonly numSamples: number;
  readonly seed: number;
  readonly noiseScale: number;

  constructor(opts: SyntheticDigitsOptions) {
    super();
    if (opts === null || typeof opts !== 'object') throw new TypeError('SyntheticDigits: expected an options object { numSamples, seed, noiseScale }');
    const { numSamples, seed, noiseScale } = syntheticOptions('SyntheticDigits', opts);
    this.numSamples = numSamples;
    this.seed = seed;
    this.noiseScale = noiseScale;
  }

  get length(): number {
    return this.numSamples;
  }

  /** The digit of sample i (0-9) without drawing the image. */
  label(index: number): number {
    const i = checkIndex('SyntheticDigits', index, this.numSamples);
    // A Fisher-Yates shuffle of 0..9 per block of ten samples.
    const g = streamGenerator(this.seed, 11, Math.floor(i / 10));
    const order = [0, 1, 2, 3, 4, 5, 6, 7, 8, 9];
    for (let k = 9; k > 0; k--) {
      const j = Math.floor(g.random() * (k + 1));
      [order[k], order[j]] = [order[j], order[k]];
    }
    return order[i % 10];
  }

  /** Sample `index`: `[x (1, 28, 28), digit]`, the same every time for the same seed. */
  getItem(index: number): DigitSample {
    const i = checkIndex('SyntheticDigits', index, this.numSamples);
    const y = this.label(i);
    const x = new Float32Array(SIDE * SIDE);
    this.draw(x, i, y);
    return [new Tensor(x, [1, SIDE, SIDE], 'float32'), y];
  }

  /** Draw image i (digit y) into out. */
  private draw(out: Float32Array, i: number, y: number): void {
    const g = streamGenerator(this.seed, 12, i);
    const u = (a: number, b: number) => a + (b - a) * g.random();
    const w = u(9, 14);
    const h = u(14, 19);
    const cx = SIDE / 2 + u(-3, 3);
    const cy = SIDE / 2 + u(-3, 3);
    const shear = u(-0.3, 0.3);
    const halfWidth = u(0.9, 1.8);
    const contrast = u(0.6, 1);
    const background = u(0, 0.2);
    const noiseStd = u(0.05, 0.2) * this.noiseScale;
    // Glyph units to pixels: y in [0, 2] spans the height, x in [0, 1] the width, slanted by the shear.
    const toPixel = (gx: number, gy: number): [number, number] => {
      const py = cy + (gy - 1) * (h / 2);
      return [cx + (gx - 0.5) * w - shear * (py - cy) + u(-1, 1), py + u(-1, 1)];
    };
    const strokes = DIGIT_SEGMENTS[y].map((s) => {
      const [x0, y0, x1, y1] = SEGMENTS[s];
      return [...toPixel(x0, y0), ...toPixel(x1, y1)] as const;
    });
    for (let r = 0; r < SIDE; r++) {
      for (let c = 0; c < SIDE; c++) {
        let d = Infinity;
        for (const [x0, y0, x1, y1] of strokes) d = Math.min(d, segmentDistance(c + 0.5, r + 0.5, x0, y0, x1, y1));
        const ink = Math.min(1, Math.max(0, 1 - (d - halfWidth)));
        out[r * SIDE + c] = ink * contrast + background + noiseStd * g.normal();
      }
    }
  }

  /** How a DataLoader worker rebuilds this data set (its options: images are redrawn, not copied). */
  workerSpec(): DatasetSpec {
    return { kind: 'syntheticDigits', options: { numSamples: this.numSamples, seed: this.seed, noiseScale: this.noiseScale } };
  }
}
