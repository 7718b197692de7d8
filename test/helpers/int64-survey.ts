/**
 * The int64 survey: every fuzzed export (test/helpers/fuzz-ops.ts) called with its first float32 tensor
 * argument turned into int64 (values rounded), as a user meets it now that `tensor([0, 1, 1])` is int64.
 * Each export either accepts int64 (and then its result matches the same call on the float32 copy of
 * that input, value for value) or refuses it with a clear error naming the op and the dtype.
 */
import * as nt from '../../src/index.js';
import { Tensor } from '../../src/tensor.js';
import { SPECS, Rng, isClear, sameResult, publicExports } from './fuzz-ops.js';

/**
 * In-place writers whose int64 input is the destination: they cast what they write into int64, as
 * PyTorch's fill_/copy_ do (truncation toward zero), so their result is the float32 run's result cast to int64.
 */
const CASTS_INTO_INPUT = new Set(['fill_', 'copy_']);

export type Int64Outcome = 'accepts' | 'refuses' | 'unclear' | 'wrong' | 'no tensor input';

/** A tensor argument's int64 copy (values rounded), or null when `v` is not a float32 tensor. */
function asInt64(v: unknown): Tensor | null {
  if (!(v instanceof Tensor) || v.dtype !== 'float32') return null;
  return nt.tensor(Array.from(v.data, (x) => Math.round(x)), { dtype: 'int64', shape: [...v.shape] });
}

/** The result with every tensor in it as float32, for comparing an int64 run with a float32 one. */
function asFloat(v: unknown): unknown {
  if (v instanceof Tensor) return v.dtype === 'float32' ? v : nt.toDtype(v, 'float32');
  if (Array.isArray(v)) return v.map(asFloat);
  return v;
}

/** What `path` does with an int64 input, from draw `seed`, and the message or mismatch behind it. */
export function int64Case(path: string, seed: number): { outcome: Int64Outcome; detail: string } {
  const spec = SPECS[path];
  const fn = publicExports().get(path)!;
  const names = spec.names ?? [path.split('.').pop()!];
  const args = spec.args(new Rng(seed));
  const pos = args.findIndex((a) => asInt64(a) !== null && !(a instanceof nt.nn.Parameter));
  if (pos < 0) return { outcome: 'no tensor input', detail: '' };
  const run = (a: unknown[]) => {
    nt.manualSeed(seed);
    return spec.call ? spec.call(fn, a) : fn(...a);
  };
  const intArgs = [...args];
  intArgs[pos] = asInt64(args[pos]);
  let got: unknown;
  try {
    got = run(intArgs);
  } catch (e) {
    const msg = e instanceof Error ? e.message : String(e);
    const clear = isClear(e, names) && /int64|Long|dtype|float|integral|bool/.test(msg);
    return { outcome: clear ? 'refuses' : 'unclear', detail: msg.slice(0, 200) };
  }
  const floatArgs = [...args];
  floatArgs[pos] = nt.toDtype(intArgs[pos] as Tensor, 'float32');
  let want: unknown;
  try {
    want = run(floatArgs);
  } catch (e) {
    return { outcome: 'wrong', detail: `accepts int64 but the float32 copy throws: ${(e as Error).message}` };
  }
  if (pos === 0 && CASTS_INTO_INPUT.has(path) && want instanceof Tensor) want = nt.toDtype(want, 'int64');
  return sameResult(asFloat(got), asFloat(want)) ? { outcome: 'accepts', detail: '' } : { outcome: 'wrong', detail: 'differs from the float32 copy' };
}
