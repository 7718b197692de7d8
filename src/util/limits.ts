/**
 * The allocation limit: every op that allocates a size taken from its arguments (creation functions,
 * module constructors, conv/pooling/expand/cat/oneHot outputs, data loader batches) checks it here
 * **before** allocating, so that a hostile or mistaken size fails at once with a RangeError naming the op,
 * instead of running for minutes, taking the machine's memory or surfacing V8's bare
 * `Invalid typed array length`.
 *
 * Two bounds:
 * - `maxElements`: elements of any one tensor. Default 2^31 - 1, the largest size the kernels index
 *   with 32-bit integers (PyTorch's own limit is the address space).
 * - `maxBytesPerCall`: bytes one call allocates up front for its results (a creation function's
 *   tensor, an op's output and workspace, a module's parameters and buffers). Default unlimited; a
 *   server that runs user-supplied shapes sets it to what it can afford.
 */

/** The bounds checked before every argument-sized allocation (see setAllocationLimit). */
export interface AllocationLimit {
  /** Elements of any one tensor (default 2^31 - 1). */
  maxElements: number;
  /** Bytes one call may allocate for its results (default Infinity: unlimited). */
  maxBytesPerCall: number;
}

/** The default bounds: 2^31 - 1 elements per tensor, no per-call byte budget. */
export const DEFAULT_ALLOCATION_LIMIT: Readonly<AllocationLimit> = Object.freeze({
  maxElements: 2 ** 31 - 1,
  maxBytesPerCall: Infinity,
});

let current: AllocationLimit = { ...DEFAULT_ALLOCATION_LIMIT };

/**
 * Set the allocation limit checked before every argument-sized allocation; omitted fields keep their
 * current value, `null` restores a field's default. Exceeding it makes the op throw a RangeError naming
 * the op and the size.
 * @example setAllocationLimit({ maxBytesPerCall: 2 ** 30 }) // no call may allocate more than 1 GiB
 */
export function setAllocationLimit(limit: { maxElements?: number | null; maxBytesPerCall?: number | null }): void {
  if (limit === null || typeof limit !== 'object') {
    throw new TypeError(`setAllocationLimit: expected an object { maxElements?, maxBytesPerCall? }, got ${limit === null ? 'null' : typeof limit}`);
  }
  const next = { ...current };
  for (const key of ['maxElements', 'maxBytesPerCall'] as const) {
    const v = limit[key];
    if (v === undefined) continue;
    if (v === null) {
      next[key] = DEFAULT_ALLOCATION_LIMIT[key];
      continue;
    }
    if (typeof v !== 'number') throw new TypeError(`setAllocationLimit: expected ${key} to be a number, got ${typeof v}`);
    if (!(v >= 0) || (v !== Infinity && !Number.isInteger(v))) {
      throw new RangeError(`setAllocationLimit: expected ${key} to be a non-negative integer or Infinity, got ${v}`);
    }
    next[key] = key === 'maxElements' ? Math.min(v, DEFAULT_ALLOCATION_LIMIT.maxElements) : v;
  }
  current = next;
}

/** The current allocation limit (a copy). */
export function getAllocationLimit(): AllocationLimit {
  return { ...current };
}

/**
 * Throw a RangeError naming `op` unless tensors of `counts` elements (each of `bytesPerElement` bytes)
 * fit the limit: each count at most maxElements, their bytes together at most maxBytesPerCall. Counts
 * must already be non-negative numbers (shapeArg checked each dimension); a product that overflowed to
 * Infinity is reported, not allocated.
 */
export function checkAllocation(op: string, counts: number | readonly number[], bytesPerElement = 4): void {
  const list = typeof counts === 'number' ? [counts] : counts;
  let bytes = 0;
  for (const n of list) {
    if (!(n <= current.maxElements)) {
      throw new RangeError(`${op}: a tensor of ${fmt(n)} elements exceeds the allocation limit of ${fmt(current.maxElements)} elements (setAllocationLimit)`);
    }
    bytes += n * bytesPerElement;
  }
  if (bytes > current.maxBytesPerCall) {
    throw new RangeError(`${op}: allocating ${fmt(bytes)} bytes exceeds the allocation limit of ${fmt(current.maxBytesPerCall)} bytes per call (setAllocationLimit)`);
  }
}

/** Bytes per element of a dtype's storage. */
export function bytesPerElement(dtype: string): number {
  return dtype === 'float32' ? 4 : dtype === 'int64' ? 8 : 1;
}

function fmt(n: number): string {
  return Number.isFinite(n) && n >= 2 ** 20 ? `${n} (${log2(n)})` : String(n);
}

function log2(n: number): string {
  const e = Math.log2(n);
  if (Number.isInteger(e)) return `2^${e}`;
  return Number.isInteger(Math.log2(n + 1)) ? `2^${Math.log2(n + 1)} - 1` : `~2^${e.toFixed(1)}`;
}
