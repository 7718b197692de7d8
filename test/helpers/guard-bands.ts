/**
 * A backend wrapper for conformance tests, driven by the kernel manifest: every array a kernel writes is
 * handed to it inside a larger buffer whose guard bands (GUARD elements on each side) hold a sentinel NaN
 * with a payload, and every array it only reads is snapshotted. After the call the wrapper throws if a
 * band changed (a write before the start or past the end of an output, e.g. a SIMD tail store) or if an
 * input changed (outside the in-place pairs the manifest allows), then copies the outputs back to the
 * caller's arrays. The ggml test-backend-ops idea, applied at the kernel boundary.
 */
import type { Backend } from '../../src/backend/backend.js';
import { KERNEL_NAMES, kernelSpec, type KernelName } from '../../src/backend/manifest.js';

/** Elements of guard band on each side (more than one 512-bit vector of floats). */
export const GUARD = 24;
/** The sentinel's bits: a quiet NaN with a payload no kernel computes (checked as raw bits). */
const SENTINEL_F32 = 0x7fa5a5a5;
const SENTINEL_BYTE = 0xa5;

type AnyArray = Float32Array | Float64Array | Uint8Array | Int32Array;
type Ctor = { new (n: number): AnyArray };

/** The raw bytes of an array (so NaN payloads and -0 compare exactly). */
function bytesOf(a: AnyArray): Uint8Array {
  return new Uint8Array(a.buffer, a.byteOffset, a.byteLength);
}

/** A guarded copy: [band][a's contents][band], the bands filled with the sentinel. */
function guarded(a: AnyArray): { whole: AnyArray; inner: AnyArray } {
  const whole = new (a.constructor as Ctor)(a.length + 2 * GUARD);
  const bytes = bytesOf(whole);
  if (a instanceof Float32Array) new Uint32Array(whole.buffer).fill(SENTINEL_F32);
  else bytes.fill(SENTINEL_BYTE);
  const inner = whole.subarray(GUARD, GUARD + a.length) as AnyArray;
  bytesOf(inner).set(bytesOf(a));
  return { whole, inner };
}

/** The first changed byte of a guard band, as a message, or null. */
function bandDamage(whole: AnyArray, len: number): string | null {
  const ref = guarded(new (whole.constructor as Ctor)(0)).whole; // two bands of pristine sentinel
  const bytes = bytesOf(whole);
  const bandBytes = GUARD * whole.BYTES_PER_ELEMENT;
  const clean = bytesOf(ref);
  for (let i = 0; i < bandBytes; i++) {
    if (bytes[i] !== clean[i]) return `wrote before its start (byte ${i - bandBytes})`;
    const j = bytes.length - bandBytes + i;
    if (bytes[j] !== clean[bandBytes + i]) return `wrote past its end (byte ${i} after element ${len - 1})`;
  }
  return null;
}

function sameBytes(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

/** One kernel, wrapped. */
function guardKernel(name: KernelName, fn: (...args: unknown[]) => void): (...args: unknown[]) => void {
  const spec = kernelSpec(name);
  return (...args: unknown[]) => {
    const passed = args.slice();
    const wrapped = new Map<AnyArray, { whole: AnyArray; inner: AnyArray }>();
    const inputs: { name: string; a: AnyArray; snapshot: Uint8Array }[] = [];
    spec.args.forEach((s, i) => {
      const a = args[i];
      if (!ArrayBuffer.isView(a)) return;
      const arr = a as AnyArray;
      const writtenHere = s.role !== 'in';
      const writtenElsewhere = spec.args.some((o, j) => j !== i && o.role !== 'in' && args[j] === arr);
      if (writtenHere || writtenElsewhere) {
        let g = wrapped.get(arr);
        if (!g) {
          g = guarded(arr);
          wrapped.set(arr, g);
        }
        passed[i] = g.inner;
      } else {
        inputs.push({ name: s.name, a: arr, snapshot: bytesOf(arr).slice() });
      }
    });
    fn(...passed);
    for (const [orig, { whole, inner }] of wrapped) {
      const i = passed.indexOf(inner);
      const damage = bandDamage(whole, inner.length);
      if (damage) throw new Error(`${name}: ${spec.args[i]!.name} ${damage}`);
      bytesOf(orig).set(bytesOf(inner));
    }
    for (const { name: argName, a, snapshot } of inputs) {
      if (!sameBytes(bytesOf(a), snapshot)) throw new Error(`${name}: modified its input ${argName}`);
    }
  };
}

/** `backend` with every kernel wrapped (see the file comment). */
export function withGuardBands(backend: Backend): Backend {
  const out: Record<string, unknown> = { name: backend.name };
  for (const k of KERNEL_NAMES) {
    out[k] = guardKernel(k, (backend[k] as (...a: unknown[]) => void).bind(backend));
  }
  return out as unknown as Backend;
}
