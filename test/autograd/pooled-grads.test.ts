/**
 * The attention path's backward gradients come from the gradient pool (src/util/grad-pool.ts), so the
 * engine recycles them once consumed: the matmul and bmm products' operand gradients (plain and with the
 * transB / alpha of the attention scores) and the gather back through a permute or transpose view. A
 * backward that allocated them outside the pool would feed the garbage collector every train step.
 * MultiheadAttention's internal activations (heads, scores, weights, merged rows) are recycled after
 * backward, and what it returns never is; so are a post-norm encoder layer's residual sums.
 */
import { describe, expect, it } from 'vitest';
import '../../src/ops/methods.js';
import { randn, ones } from '../../src/creation.js';
import { Tensor } from '../../src/tensor.js';
import { matmul } from '../../src/ops/matmul.js';
import { bmm } from '../../src/ops/bmm.js';
import { permute } from '../../src/ops/permute.js';
import { narrow } from '../../src/ops/narrow.js';
import { scaledScores } from '../../src/ops/scaled-scores.js';
import { activationBuffer, clearGradPool, isPooled } from '../../src/util/grad-pool.js';
import { MultiheadAttention } from '../../src/nn/attention.js';
import { TransformerEncoderLayer } from '../../src/nn/transformer.js';
import { causalMask } from '../../src/ops/scaled-dot-product-attention.js';
import { Generator } from '../../src/util/generator.js';

const g = new Generator(3);
/** Large enough for the pool (at least 1024 elements per gradient). */
const leaf = (shape: number[]) => randn(shape, { generator: g, requiresGrad: true });

/** The gradients out's node returns for an all-ones incoming gradient, called directly (not through the engine). */
function nodeGrads(out: Tensor): (Tensor | null)[] {
  return out.gradFn!.backward!(ones(out.shape), false, () => null) as (Tensor | null)[];
}

describe('pooled backward gradients', () => {
  it('matmul and bmm: both operand gradients', () => {
    for (const out of [matmul(leaf([40, 33]), leaf([33, 50])), bmm(leaf([3, 40, 33]), leaf([3, 33, 50]))]) {
      const grads = nodeGrads(out);
      expect(grads.length).toBe(2);
      for (const gr of grads) expect(isPooled(gr!.data)).toBe(true);
    }
  });

  it('matmul with a broadcast batch: the summed gradient of the shared operand', () => {
    const [ga, gb] = nodeGrads(matmul(leaf([4, 40, 33]), leaf([33, 50])));
    expect(isPooled(ga!.data)).toBe(true);
    expect(gb!.shape).toEqual([33, 50]);
  });

  it('the attention scores (transB, alpha): query and key gradients', () => {
    for (const gr of nodeGrads(scaledScores(leaf([4, 40, 32]), leaf([4, 36, 32]), 0.25))) expect(isPooled(gr!.data)).toBe(true);
  });

  it('permute and narrow views: the gradient gathered or scattered back', () => {
    const [gp] = nodeGrads(permute(leaf([4, 40, 3, 32]), [0, 2, 1, 3]));
    expect(isPooled(gp!.data)).toBe(true);
    const [gn] = nodeGrads(narrow(leaf([96, 32]), 0, 32, 32));
    expect(isPooled(gn!.data)).toBe(true);
    expect(Array.from(gn!.data.subarray(0, 32 * 32)).every((v) => v === 0)).toBe(true); // outside the slice: zeros
  });
});

/** Every tensor of the graph under t (before backward spends it), by its node's name. */
function graphTensors(t: Tensor): Map<string, Tensor[]> {
  const seen = new Set<Tensor>();
  const byName = new Map<string, Tensor[]>();
  const stack = [t];
  while (stack.length > 0) {
    const x = stack.pop()!;
    if (seen.has(x) || x.gradFn === null) continue;
    seen.add(x);
    byName.set(x.gradFn.name, [...(byName.get(x.gradFn.name) ?? []), x]);
    for (const inp of x.gradFn.inputs) if (inp !== null) stack.push(inp);
  }
  return byName;
}

describe('MultiheadAttention: graph-internal storage', () => {
  const mhaInput = (batchFirst: boolean) => randn(batchFirst ? [3, 20, 64] : [20, 3, 64], { generator: g, requiresGrad: true });

  for (const [batchFirst, self] of [[true, true], [false, true], [true, false]] as const) {
    it(`recycles the projections, scores, weights and merged rows after backward (batchFirst ${batchFirst}, ${self ? 'self' : 'cross'}-attention)`, () => {
      clearGradPool();
      const mha = new MultiheadAttention(64, 4, { batchFirst, generator: g });
      const x = mhaInput(batchFirst);
      const kv = self ? x : mhaInput(batchFirst);
      const [out] = mha.forward(x, kv, kv, { needWeights: false, attnMask: causalMask(20, 20) });
      const byName = graphTensors(out);
      // the in_proj products; out_proj's product is the returned output itself
      const projections = (byName.get('AddmmBackward0') ?? []).filter((t) => t.data !== out.data);
      const internal = [...projections, ...['BmmBackward0', 'SoftmaxBackward0'].flatMap((n) => byName.get(n) ?? [])];
      // self-attention: one packed q / k / v product of 3 * 64 columns; cross-attention: three of 64. Then
      // the scores and the merged rows of weights @ v (the strided bmm: no split or merge copies in the
      // graph); weights
      expect(byName.get('PermuteBackward0')).toBeUndefined();
      expect(projections.map((t) => t.shape[2])).toEqual(self ? [192] : [64, 64, 64]);
      expect(internal.length).toBe(projections.length + 2 + 1);
      const storages = internal.map((t) => t.data);
      out.sum().backward();
      const free = new Set<Float32Array>();
      for (const len of new Set(storages.map((s) => s.length))) for (let i = 0; i < 64; i++) free.add(activationBuffer(len)); // beside dead gradients of the same length
      // a storage released early in the pass may already be reused later in it, for the inputs' gradients
      free.add(x.grad!.data as Float32Array);
      free.add(kv.grad!.data as Float32Array);
      expect(internal.map((t, i) => `${t.gradFn!.name}:${free.has(storages[i] as Float32Array)}`)).toEqual(internal.map((t) => `${t.gradFn!.name}:true`));
    });
  }

  it('keeps the returned weights and output, and gives the same gradients recycled as retained', () => {
    const mha = new MultiheadAttention(64, 4, { batchFirst: true, generator: g });
    const x = mhaInput(true);
    const run = (retainGraph: boolean, needWeights: boolean) => {
      mha.zeroGrad();
      const [out, w] = mha.forward(x, x, x, { needWeights });
      out.sum().backward(undefined, { retainGraph });
      return { out, w, grads: mha.parameters().map((p) => Array.from(p.grad!.data as Float32Array)) };
    };
    const kept = run(true, true);
    const outCopy = Array.from(kept.out.data as Float32Array);
    const wCopy = Array.from(kept.w!.data as Float32Array);
    for (let i = 0; i < 2; i++) expect(run(false, false).grads).toEqual(kept.grads);
    const withWeights = run(false, true);
    expect(withWeights.grads).toEqual(kept.grads);
    run(false, false);
    expect(Array.from(kept.out.data as Float32Array)).toEqual(outCopy);
    expect(Array.from(kept.w!.data as Float32Array)).toEqual(wCopy);
    expect(Array.from(withWeights.w!.data as Float32Array)).toEqual(wCopy);
  });
});

describe('TransformerEncoderLayer: post-norm residual sums', () => {
  const layer = () => new TransformerEncoderLayer(64, 4, { dimFeedforward: 96, dropout: 0, batchFirst: true, generator: g });
  const src = () => randn([3, 20, 64], { generator: g, requiresGrad: true });
  /** The two residual sums (the add outputs the norms read), found in the graph before backward. */
  const sums = (out: Tensor) => graphTensors(out).get('AddBackward0')!;

  it('recycles both residual sums after backward', () => {
    clearGradPool();
    const x = src();
    const out = layer().forward(x);
    const storages = sums(out).map((t) => t.data as Float32Array);
    expect(storages.length).toBe(2);
    out.sum().backward();
    const free = new Set<Float32Array>([x.grad!.data as Float32Array]);
    for (let i = 0; i < 64; i++) free.add(activationBuffer(storages[0]!.length));
    for (const s of storages) expect(free.has(s)).toBe(true);
  });

  /** linear1's output (the feed-forward's hidden rows, 96 wide), found in the graph before backward. */
  const hidden = (out: Tensor) => graphTensors(out).get('AddmmBackward0')!.filter((t) => t.shape[t.ndim - 1] === 96);

  it('recycles the feed-forward hidden rows (linear1\'s output, read only by the activation) after backward', () => {
    for (const activation of ['relu', 'gelu'] as const) {
      clearGradPool();
      const x = src();
      const out = new TransformerEncoderLayer(64, 4, { dimFeedforward: 96, dropout: 0, batchFirst: true, activation, generator: g }).forward(x);
      expect(hidden(out).length).toBe(1);
      const storage = hidden(out)[0]!.data as Float32Array;
      out.sum().backward();
      const free = new Set<Float32Array>([x.grad!.data as Float32Array]);
      for (let i = 0; i < 64; i++) free.add(activationBuffer(storage.length));
      expect(free.has(storage), activation).toBe(true);
    }
  });

  it('never recycles linear1\'s output that a forward hook can see', () => {
    const enc = layer();
    let seen: Tensor | null = null;
    enc.linear1.registerForwardHook((_m, _args, out) => { seen ??= out as Tensor; }); // the first step's hidden rows
    enc.forward(src()).sum().backward();
    const copy = Array.from(seen!.data as Float32Array);
    for (let i = 0; i < 2; i++) enc.forward(src()).sum().backward();
    expect(Array.from(seen!.data as Float32Array)).toEqual(copy);
  });

  /**
   * out_proj's rows (read from the merged heads, a bmm) and linear2's (read from the 96 hidden features),
   * found in the graph before backward.
   */
  const blockOutputs = (out: Tensor) => graphTensors(out).get('AddmmBackward0')!.filter((t) => {
    const src = t.gradFn!.inputs[0]!;
    return src.gradFn?.name === 'BmmBackward0' || src.shape[src.ndim - 1] === 96;
  });

  it('recycles out_proj\'s and linear2\'s rows (read only by a dropout and the residual add) after backward', () => {
    for (const dropout of [0, 0.1]) {
      clearGradPool();
      const x = src();
      const out = new TransformerEncoderLayer(64, 4, { dimFeedforward: 96, dropout, batchFirst: true, generator: g }).forward(x);
      const storages = blockOutputs(out).map((t) => t.data as Float32Array);
      expect(storages.length).toBe(2);
      out.sum().backward();
      const free = new Set<Float32Array>([x.grad!.data as Float32Array]);
      for (let i = 0; i < 64; i++) free.add(activationBuffer(storages[0]!.length));
      expect(storages.map((st) => free.has(st)), `dropout ${dropout}`).toEqual([true, true]);
    }
  });

  it('never recycles out_proj\'s or linear2\'s rows that a hook can see', () => {
    type Watch = (enc: TransformerEncoderLayer, see: (t: Tensor) => void) => void;
    const watches: [string, Watch][] = [
      ['self_attn forward hook', (enc, see) => enc.self_attn.registerForwardHook((_m, _a, out) => see((out as [Tensor, Tensor | null])[0]))],
      ['dropout1 forward pre-hook', (enc, see) => enc.dropout1.registerForwardPreHook((_m, args) => see(args[0] as Tensor))],
      ['linear2 forward hook', (enc, see) => enc.linear2.registerForwardHook((_m, _a, out) => see(out as Tensor))],
      ['dropout2 forward pre-hook', (enc, see) => enc.dropout2.registerForwardPreHook((_m, args) => see(args[0] as Tensor))],
    ];
    for (const [name, watch] of watches) {
      const enc = layer();
      let seen: Tensor | null = null;
      watch(enc, (t) => { seen ??= t; }); // the first step's rows
      enc.forward(src()).sum().backward();
      const copy = Array.from(seen!.data as Float32Array);
      for (let i = 0; i < 2; i++) enc.forward(src()).sum().backward();
      expect(Array.from(seen!.data as Float32Array), name).toEqual(copy);
    }
  });

  it('never recycles a sum that a forward pre-hook on the norm can see', () => {
    const enc = layer();
    let seen: Tensor | null = null;
    enc.norm1.registerForwardPreHook((_m, args) => { seen ??= args[0] as Tensor; }); // the first step's sum
    const out = enc.forward(src());
    out.sum().backward();
    const copy = Array.from(seen!.data as Float32Array);
    for (let i = 0; i < 2; i++) enc.forward(src()).sum().backward();
    expect(Array.from(seen!.data as Float32Array)).toEqual(copy);
  });
});
