/**
 * The native addon's kernel variants (native/addon.cc): it loads the best one built that this CPU runs,
 * NODETORCH_NATIVE_ISA forces a lower one (asking for more than the CPU has loads what it has), and any
 * other value fails the load with an error naming the accepted values. Each case loads the addon in a
 * child process, since the choice is fixed once per process.
 */
import { describe, it, expect } from 'vitest';
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { loadNativeAddon } from '../../src/backend/native.js';
import { loadedAddonFile } from '../helpers/native-file.js';

/** The file the loader picked (prebuilt, built or NODETORCH_NATIVE_PATH's), so child processes load the same addon. */
const ADDON_FILE = loadedAddonFile();
const ORDER = ['avx512', 'avx2', 'baseline'] as const;

let skipReason = '';
try {
  loadNativeAddon();
} catch (e) {
  skipReason = e instanceof Error ? e.message : String(e);
}

interface Loaded {
  isa?: string;
  built?: string[];
  error?: string;
}

/** info() of the addon loaded in a child with NODETORCH_NATIVE_ISA = isa (undefined: unset). */
function loadWith(isa: string | undefined): Loaded {
  const env = { ...process.env };
  delete env.NODETORCH_NATIVE_ISA;
  if (isa !== undefined) env.NODETORCH_NATIVE_ISA = isa;
  const script = `
    let out;
    try { out = require(process.argv[1]).info(); } catch (e) { out = { error: e.message }; }
    process.stdout.write(JSON.stringify(out));`;
  const r = spawnSync(process.execPath, ['-e', script, ADDON_FILE], { env, encoding: 'utf8' });
  expect(r.status, r.stderr).toBe(0);
  return JSON.parse(r.stdout) as Loaded;
}

/** The variants this CPU runs, from /proc/cpuinfo (Linux x86 only; null elsewhere). */
function cpuVariants(): string[] | null {
  if (process.platform !== 'linux' || !['x64', 'ia32'].includes(process.arch)) return null;
  const flags = new Set((readFileSync('/proc/cpuinfo', 'utf8').match(/^flags\s*:(.*)$/m)?.[1] ?? '').split(/\s+/));
  const has = (...f: string[]) => f.every((x) => flags.has(x));
  const out: string[] = [];
  if (has('avx512f', 'avx512bw', 'avx512vl', 'avx512dq', 'avx2', 'fma')) out.push('avx512');
  if (has('avx2', 'fma')) out.push('avx2');
  return [...out, 'baseline'];
}

describe.skipIf(skipReason !== '')(`native ISA variants${skipReason ? ` (skipped: ${skipReason})` : ''}`, () => {
  const best = loadWith(undefined);

  it('reports the variant it loaded, among those built (best first, baseline last)', () => {
    expect(best.built?.at(-1)).toBe('baseline');
    expect(best.built).toEqual(ORDER.filter((v) => best.built?.includes(v)));
    expect(best.built).toContain(best.isa);
    if (['x64', 'ia32'].includes(process.arch)) expect(best.built).toContain('avx2');
  });

  it.skipIf(cpuVariants() === null)('loads the best variant built that this CPU runs', () => {
    const runs = cpuVariants()!;
    expect(best.isa).toBe(best.built!.find((v) => runs.includes(v)));
  });

  it('NODETORCH_NATIVE_ISA picks the best variant at or below the one asked for', () => {
    const runs = cpuVariants();
    for (const asked of ORDER) {
      const got = loadWith(asked);
      expect(got.error, asked).toBeUndefined();
      const below = ORDER.slice(ORDER.indexOf(asked));
      // Built and at or below what was asked; exactly the best such when the CPU's flags are known.
      expect(below, asked).toContain(got.isa);
      if (runs) expect(got.isa, asked).toBe(best.built!.find((v) => below.includes(v as never) && runs.includes(v)));
    }
  });

  it('an unknown NODETORCH_NATIVE_ISA fails the load, naming the accepted values', () => {
    for (const bad of ['sse', 'AVX2', 'avx2 ']) {
      expect(loadWith(bad).error).toBe(
        `NODETORCH_NATIVE_ISA: expected avx512, avx2 or baseline (or unset for the best this CPU runs), got '${bad}'`,
      );
    }
  });
});
