/**
 * A seedable pseudo-random generator (xoshiro128**, seeded through splitmix32), the source of every
 * random number in nodetorch: initialisation, dropout, shuffling, rand/randn. Pure TS, so results are
 * identical on every backend and platform. Not the same stream as PyTorch's mt19937: parity tests load
 * PyTorch's weights instead of re-drawing them.
 */
export class Generator {
  private s = new Uint32Array(4);
  private initialSeed_ = 0;
  private spareNormal: number | null = null;

  constructor(seed = 0) {
    this.seedWith('Generator', seed);
  }

  /** Re-seed; returns this (like torch.Generator.manual_seed). */
  manualSeed(seed: number | bigint): this {
    return this.seedWith('manualSeed', seed);
  }

  /** manualSeed for the public function `op` (the constructor or manualSeed). */
  private seedWith(op: string, seed: number | bigint): this {
    if (typeof seed !== 'number' && typeof seed !== 'bigint') {
      throw new TypeError(`${op}: expected seed to be a number or a bigint, got ${typeof seed === 'string' ? `'${seed}'` : typeof seed}`);
    }
    const n = typeof seed === 'bigint' ? Number(seed & 0xffffffffn) : seed;
    if (!Number.isFinite(n)) throw new RangeError(`${op}: expected a finite seed, got ${String(seed)}`);
    this.initialSeed_ = n;
    let x = (Math.trunc(n) ^ Math.trunc(n / 2 ** 32)) >>> 0;
    for (let i = 0; i < 4; i++) {
      // splitmix32 step
      x = (x + 0x9e3779b9) >>> 0;
      let z = x;
      z = Math.imul(z ^ (z >>> 16), 0x85ebca6b) >>> 0;
      z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35) >>> 0;
      this.s[i] = (z ^ (z >>> 16)) >>> 0;
    }
    if ((this.s[0] | this.s[1] | this.s[2] | this.s[3]) === 0) this.s[0] = 1;
    this.spareNormal = null;
    return this;
  }

/** The seed this generator was created or last seeded with (torch.Generator.initial_seed). */
  initialSeed(): number {
    return this.initialSeed_;
  }

  /** Next raw 32-bit unsigned integer. */
  nextUint32(): number {
    const s = this.s;
    const result = Math.imul(rotl(Math.imul(s[1], 5) >>> 0, 7), 9) >>> 0;
    const t = (s[1] << 9) >>> 0;
    s[2] ^= s[0];
    s[3] ^= s[1];
    s[1] ^= s[2];
    s[0] ^= s[3];
    s[2] ^= t;
    s[3] = rotl(s[3], 11);
    return result;
  }

  /** Uniform in [0, 1) with 53 random bits. */
  random(): number {
    const hi = this.nextUint32() >>> 5; // 27 bits
    const lo = this.nextUint32() >>> 6; // 26 bits
    return (hi * 67108864 + lo) / 9007199254740992;
  }

  /** Uniform integer in [low, high). */
  randint(low: number, high: number): number {
    return low + Math.floor(this.random() * (high - low));
  }

  /** Standard normal (Box-Muller, caching the second value). */
  normal(): number {
    if (this.spareNormal !== null) {
      const v = this.spareNormal;
      this.spareNormal = null;
      return v;
    }
    let u = 0;
    while (u === 0) u = this.random();
    const v = this.random();
    const r = Math.sqrt(-2 * Math.log(u));
    this.spareNormal = r * Math.sin(2 * Math.PI * v);
    return r * Math.cos(2 * Math.PI * v);
  }

  /** The full state, for checkpoints. */
  getState(): number[] {
    return [...this.s, this.initialSeed_, this.spareNormal ?? Number.NaN];
  }

/** Restore a state from `getState()` (checkpoints): the following draws repeat those after the save. */
  setState(state: readonly number[]): this {
    if (!Array.isArray(state) || state.length !== 6) {
      throw new TypeError('Generator.setState: expected the 6-number array from getState()');
    }
    for (let i = 0; i < 4; i++) this.s[i] = state[i] >>> 0;
    this.initialSeed_ = state[4];
    this.spareNormal = Number.isNaN(state[5]) ? null : state[5];
    return this;
  }
}

function rotl(x: number, k: number): number {
  return ((x << k) | (x >>> (32 - k))) >>> 0;
}

/** The default generator used when none is passed (torch.default_generator). */
export const defaultGenerator = new Generator(0);

/** Seed the default generator (torch.manual_seed). */
export function manualSeed(seed: number | bigint): Generator {
  return defaultGenerator.manualSeed(seed);
}
