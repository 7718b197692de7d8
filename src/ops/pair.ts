/** PyTorch's _pair for the 2-D ops: a size given as n or [h, w], checked to be integers >= min. */
import { describeValue } from '../util/describe.js';

export function pairArg(op: string, name: string, v: unknown, min: number): [number, number] {
  const pair = typeof v === 'number' ? [v, v] : Array.isArray(v) && v.length === 2 ? v : null;
  if (pair === null || !pair.every((x) => typeof x === 'number' && Number.isInteger(x))) {
    throw new TypeError(`${op}: expected ${name} to be an integer or a pair of integers, got ${describeValue(v)}`);
  }
  const [a, b] = pair as [number, number];
  if (a < min || b < min) throw new RangeError(`${op}: expected ${name} to be >= ${min}, got ${describeValue(v)}`);
  return [a, b];
}

/** `(a x b)`, PyTorch's way of printing a 2-D size in messages. */
export function pairStr([a, b]: readonly [number, number]): string {
  return `(${a} x ${b})`;
}
