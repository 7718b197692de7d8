/** The one kernel list (kernels.ts) must equal the native exports, the wasm exports and the Backend methods. */
import { describe, expect, it } from 'vitest';
import { KERNEL_NAMES } from '../../src/backend/manifest.js';
import { refBackend } from '../../src/backend/ref/index.js';
import { loadNativeAddon } from '../../src/backend/native.js';
import { WASM_TS_KERNELS, wasmExportNames } from '../../src/backend/wasm.js';
import { availableBackends } from '../../src/backend/select.js';

const sorted = (xs: Iterable<string>) => [...xs].sort();
const kernels = sorted(KERNEL_NAMES);
const methodsOf = (o: object) => {
  const names = new Set<string>();
  for (let p: object | null = o; p && p !== Object.prototype; p = Object.getPrototypeOf(p)) {
    for (const k of Object.getOwnPropertyNames(p)) {
      if (k !== 'constructor' && typeof (o as Record<string, unknown>)[k] === 'function') names.add(k);
    }
  }
  return names;
};
const isNative = availableBackends().some((b) => b.name === 'native');
const isWasm = availableBackends().some((b) => b.name === 'wasm');

describe('kernel list drift', () => {
  it('ref backend methods equal kernels.ts', () => {
    expect(sorted(methodsOf(refBackend))).toEqual(kernels);
  });

  it.skipIf(!isNative)('native addon kernel exports equal kernels.ts (skipped when the addon is not built)', () => {
    expect(sorted(Object.keys(loadNativeAddon().kernels))).toEqual(kernels);
  });

  it('the kernels the wasm backend serves from TS are distinct kernels of kernels.ts', () => {
    const all: readonly string[] = KERNEL_NAMES;
    for (const k of WASM_TS_KERNELS) expect(all, k).toContain(k);
    expect(new Set(WASM_TS_KERNELS).size).toBe(WASM_TS_KERNELS.length);
  });

  it.skipIf(!isWasm)('wasm module exports equal kernels.ts minus WASM_TS_KERNELS, plus memory and __ helpers (skipped when not built)', () => {
    const names = wasmExportNames().filter((n) => n !== 'memory' && !n.startsWith('__'));
    const fromTs: readonly string[] = WASM_TS_KERNELS;
    expect(sorted(names)).toEqual(kernels.filter((k) => !fromTs.includes(k)));
  });

  it('every loaded backend exposes exactly the kernels as methods', () => {
    for (const b of availableBackends()) {
      const ms = [...methodsOf(b)].filter((m) => (KERNEL_NAMES as readonly string[]).includes(m));
      expect(sorted(ms), b.name).toEqual(kernels);
    }
  });
});
