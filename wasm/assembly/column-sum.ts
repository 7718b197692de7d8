/*
 * columnSum: out (cols) = the column sums of x (rows, cols), row-major; each column accumulated in f64 from
 * +0 over rows 0, 1, ... in order and rounded to float32 once, bit for bit src/backend/ref/column-sum.ts
 * (the f64x2 lanes run across columns, so no column's order changes). A linear layer's bias gradient.
 * Aliasing: out overlaps nothing.
 */
import { load2, round4 } from './batch-norm';

export function columnSum(x: usize, out: usize, rows: i32, cols: i32): void {
  const stride = <usize>cols << 2;
  let j = 0;
  // Eight columns per pass over the rows: four f64x2 accumulators.
  for (; j + 8 <= cols; j += 8) {
    const col = <usize>j << 2;
    let a0 = f64x2.splat(0);
    let a1 = a0;
    let a2 = a0;
    let a3 = a0;
    let p = x + col;
    for (let r = 0; r < rows; r++, p += stride) {
      a0 = f64x2.add(a0, load2(p, 0));
      a1 = f64x2.add(a1, load2(p, 8));
      a2 = f64x2.add(a2, load2(p, 16));
      a3 = f64x2.add(a3, load2(p, 24));
    }
    v128.store(out + col, round4(a0, a1));
    v128.store(out + col, round4(a2, a3), 16);
  }
  // The tail, one column at a time.
  for (; j < cols; j++) {
    const col = <usize>j << 2;
    let acc: f64 = 0;
    let p = x + col;
    for (let r = 0; r < rows; r++, p += stride) acc += <f64>load<f32>(p);
    store<f32>(out + col, <f32>acc);
  }
}
