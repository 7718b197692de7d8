/**
 * PyTorch's CPU random stream, only where an index order must equal PyTorch's (DistributedSampler's
 * shuffle, which every rank must agree on and users compare with their PyTorch runs). Everything else in
 * nodetorch draws from util/generator.ts (xoshiro128**), which is not PyTorch's stream.
 *
 * torch.Generator().manual_seed(s) seeds a standard 32-bit Mersenne Twister with s mod 2^32
 * (at::mt19937); randperm on CPU for these sizes is the Fisher-Yates pass below, drawing
 * `random() % (n - i)` for i = 0 .. n-2 (aten/src/ATen/native/TensorFactories.cpp, randperm_cpu, 1.13).
 */

/** The standard MT19937 (Matsumoto and Nishimura), 32-bit outputs. */
export class Mt19937 {
  private readonly mt = new Uint32Array(624);
  private idx = 624;

  constructor(seed: number) {
    const mt = this.mt;
    mt[0] = seed >>> 0;
    for (let i = 1; i < 624; i++) {
      const p = mt[i - 1] ^ (mt[i - 1] >>> 30);
      mt[i] = (Math.imul(1812433253, p) + i) >>> 0;
    }
  }

  nextUint32(): number {
    const mt = this.mt;
    if (this.idx >= 624) {
      for (let i = 0; i < 624; i++) {
        const y = (mt[i] & 0x80000000) | (mt[(i + 1) % 624] & 0x7fffffff);
        mt[i] = mt[(i + 397) % 624] ^ (y >>> 1) ^ (y & 1 ? 0x9908b0df : 0);
      }
      this.idx = 0;
    }
    let y = mt[this.idx++];
    y ^= y >>> 11;
    y ^= (y << 7) & 0x9d2c5680;
    y ^= (y << 15) & 0xefc60000;
    y ^= y >>> 18;
    return y >>> 0;
  }
}

/** torch.randperm(n, generator=torch.Generator().manual_seed(seed)).tolist(), for seed in [0, 2^53). */
export function torchRandperm(n: number, seed: number): number[] {
  const g = new Mt19937(seed % 2 ** 32);
  const r = new Array<number>(n);
  for (let i = 0; i < n; i++) r[i] = i;
  for (let i = 0; i < n - 1; i++) {
    const z = g.nextUint32() % (n - i);
    const t = r[i];
    r[i] = r[z + i];
    r[z + i] = t;
  }
  return r;
}
