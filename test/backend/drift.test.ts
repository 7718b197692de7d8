/**
 * The kernel manifest (src/backend/manifest.ts) against everything built from it: the committed generated
 * C++ (native/generated/), the addon's raw exports, the wasm module's raw exports and every backend's
 * methods. A drifted addon or module fails here (it is loaded raw, not through the adapters, which refuse
 * a drifted build); only an addon that was never built (no compiler) is skipped.
 */
import { describe, expect, it } from 'vitest';
import { createRequire } from 'node:module';
import { KERNEL_NAMES, kernelSpec } from '../../src/backend/manifest.js';
import { refBackend } from '../../src/backend/ref/index.js';
import { WASM_TS_KERNELS, wasmExportNames } from '../../src/backend/wasm.js';
import { availableBackends } from '../../src/backend/select.js';
import { nativeCandidates } from '../../src/backend/native.js';
import { staleGeneratedFiles } from '../../scripts/gen-native-manifest.js';

const sorted = (xs: Iterable<string>) => [...xs].sort();
const kernels = sorted(KERNEL_NAMES);
/** Every addon file the loader may load here (prebuilt, built, or NODETORCH_NATIVE_PATH's). */
const ADDONS = nativeCandidates().filter((c) => !c.skip);

/** Every own and inherited enumerable-or-not function-valued property except the constructor. */
const methodsOf = (o: object) => {
  const names = new Set<string>();
  for (let p: object | null = o; p && p !== Object.prototype; p = Object.getPrototypeOf(p)) {
    for (const k of Object.getOwnPropertyNames(p)) {
      if (k !== 'constructor' && typeof (o as Record<string, unknown>)[k] === 'function') names.add(k);
    }
  }
  return names;
};

describe('kernel manifest drift', () => {
  it('native/generated/ is what the manifest generates (run npm run gen:native)', () => {
    expect(staleGeneratedFiles()).toEqual([]);
  });

  it('every manifest entry is well formed', () => {
    for (const k of KERNEL_NAMES) {
      const names = kernelSpec(k).args.map((a) => a.name);
      expect(new Set(names).size, k).toBe(names.length);
      for (const a of kernelSpec(k).args) {
        if (a.len.startsWith('=')) expect(names, `${k}.${a.name}`).toContain(a.len.slice(1));
        for (const other of a.inPlace ?? []) expect(names, `${k}.${a.name}`).toContain(other);
      }
    }
  });

  it.skipIf(ADDONS.length === 0)('every addon the loader may load exports exactly the manifest kernels (skipped only when none was built)', () => {
    for (const { source, file } of ADDONS) {
      const raw = createRequire(import.meta.url)(file) as { kernels: object };
      expect(sorted(Object.keys(raw.kernels)), `${source} ${file}`).toEqual(kernels);
    }
  });

  it('the wasm module exports the manifest kernels minus those served from TypeScript, plus helpers', () => {
    const names = wasmExportNames();
    const fromTs: readonly string[] = WASM_TS_KERNELS;
    const kernelExports = names.filter((n) => n !== 'memory' && !n.startsWith('__') && !n.endsWith('Workspace'));
    expect(sorted(kernelExports)).toEqual(kernels.filter((k) => !fromTs.includes(k)));
    for (const n of names.filter((x) => x.endsWith('Workspace'))) expect(kernels).toContain(n.slice(0, -'Workspace'.length));
    for (const k of fromTs) expect(kernels).toContain(k);
  });

  it('ref and every loaded backend have exactly the manifest kernels as methods (plus nothing else)', () => {
    expect(sorted(methodsOf(refBackend))).toEqual(kernels);
    for (const b of availableBackends()) expect(sorted(methodsOf(b)), b.name).toEqual(kernels);
  });
});
