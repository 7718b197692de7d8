/*
 * embeddingBackward: gw (num, dim) = the gy rows (n, dim) summed into the rows idx (n); each element an f64
 * sum from +0 over the indices i with idx[i] = r in increasing i (times 1 / count(r) with scaleGradByFreq),
 * rounded to float32 once: bit for bit src/backend/ref/embedding-backward.ts. Row paddingIdx (num: none)
 * and unused rows are +0.
 * How: a stable counting sort of the indices by row in the workspace, then each output row summed from its
 * occurrences, eight columns at a time in f64x2 lanes. idx is an Int32Array (idx32) or a Uint8Array.
 * Workspace (i32): start[num + 1], cursor[num], order[n]; row r's occurrences are order[start[r], start[r + 1]).
 * Aliasing: gw overlaps nothing.
 */
import { load2, round4 } from './batch-norm';

/** The workspace in floats (one i32 each): start, cursor and order. */
export function embeddingBackwardWorkspace(n: f64, num: f64, dim: f64, paddingIdx: f64, scaleGradByFreq: i32): f64 {
  return 2 * num + 1 + n;
}

// @ts-ignore: decorator
@inline function indexAt(idx: usize, idx32: i32, i: i32): i32 {
  return idx32 ? load<i32>(idx + (<usize>i << 2)) : <i32>load<u8>(idx + <usize>i);
}

export function embeddingBackward(
  idx: usize, idx32: i32, gy: usize, gw: usize, ws: usize, n: i32, num: i32, dim: i32, paddingIdx: i32, scaleGradByFreq: i32,
): void {
  const start = ws;
  const cursor = start + ((<usize>num + 1) << 2);
  const order = cursor + (<usize>num << 2);
  memory.fill(start, 0, (<usize>num + 1) << 2);
  for (let i = 0; i < n; i++) {
    const p = start + ((<usize>indexAt(idx, idx32, i) + 1) << 2);
    store<i32>(p, load<i32>(p) + 1);
  }
  for (let r = 0; r < num; r++) {
    const p = start + (<usize>r << 2);
    store<i32>(p + 4, load<i32>(p + 4) + load<i32>(p));
  }
  memory.copy(cursor, start, <usize>num << 2);
  for (let i = 0; i < n; i++) {
    const c = cursor + (<usize>indexAt(idx, idx32, i) << 2);
    const slot = load<i32>(c);
    store<i32>(order + (<usize>slot << 2), i);
    store<i32>(c, slot + 1);
  }
  const rowBytes = <usize>dim << 2;
  for (let r = 0; r < num; r++) {
    const out = gw + <usize>r * rowBytes;
    const t0 = load<i32>(start + (<usize>r << 2));
    const t1 = load<i32>(start + (<usize>r << 2), 4);
    if (r == paddingIdx || t0 == t1) {
      memory.fill(out, 0, rowBytes);
      continue;
    }
    const s: f64 = scaleGradByFreq ? 1.0 / <f64>(t1 - t0) : 1.0;
    const vs = f64x2.splat(s);
    let j = 0;
    for (; j + 8 <= dim; j += 8) {
      const col = <usize>j << 2;
      let a0 = f64x2.splat(0);
      let a1 = a0;
      let a2 = a0;
      let a3 = a0;
      for (let t = t0; t < t1; t++) {
        const g = gy + <usize>load<i32>(order + (<usize>t << 2)) * rowBytes + col;
        a0 = f64x2.add(a0, f64x2.mul(load2(g, 0), vs));
        a1 = f64x2.add(a1, f64x2.mul(load2(g, 8), vs));
        a2 = f64x2.add(a2, f64x2.mul(load2(g, 16), vs));
        a3 = f64x2.add(a3, f64x2.mul(load2(g, 24), vs));
      }
      v128.store(out + col, round4(a0, a1));
      v128.store(out + col, round4(a2, a3), 16);
    }
    for (; j < dim; j++) {
      const col = <usize>j << 2;
      let acc: f64 = 0;
      for (let t = t0; t < t1; t++) acc += <f64>load<f32>(gy + <usize>load<i32>(order + (<usize>t << 2)) * rowBytes + col) * s;
      store<f32>(out + col, <f32>acc);
    }
  }
}
