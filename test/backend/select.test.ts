import { afterEach, describe, expect, it } from 'vitest';
import { spawnSync } from 'node:child_process';
import {
  _resetBackendsForTest, availableBackends, backendInfo, getBackend, setBackend, setNumThreads, getNumThreads,
} from '../../src/backend/select.js';

const savedEnv = process.env.NODETORCH_BACKEND;
afterEach(() => {
  if (savedEnv === undefined) delete process.env.NODETORCH_BACKEND;
  else process.env.NODETORCH_BACKEND = savedEnv;
  _resetBackendsForTest();
});

const broken = (why: string) => () => {
  throw new Error(why);
};

/** This process runs on glibc (where the addon tunes malloc at load). */
const glibc = Boolean((process.report.getReport() as { header?: { glibcVersionRuntime?: string } }).header?.glibcVersionRuntime);

describe('backend selection', () => {
  it('prefers native, then wasm, then ref', () => {
    delete process.env.NODETORCH_BACKEND;
    _resetBackendsForTest();
    expect(getBackend().name).toBe(availableBackends()[0].name);
    _resetBackendsForTest({ native: broken('no addon') });
    expect(getBackend().name).toBe('wasm');
    _resetBackendsForTest({ native: broken('no addon'), wasm: broken('no wasm') });
    expect(getBackend().name).toBe('ref');
  });

  it('NODETORCH_BACKEND forces a backend', () => {
    for (const name of ['ref', 'wasm'] as const) {
      process.env.NODETORCH_BACKEND = name;
      _resetBackendsForTest();
      expect(getBackend().name).toBe(name);
      expect(backendInfo().name).toBe(name);
    }
  });

  it('a forced backend that cannot load lists every backend, why it failed and the fix', () => {
    process.env.NODETORCH_BACKEND = 'native';
    _resetBackendsForTest({ native: broken('cannot find build/Release/nodetorch.node') });
    expect(() => getBackend()).toThrow(/backend 'native' \(forced by NODETORCH_BACKEND\) cannot be loaded/);
    try {
      getBackend();
    } catch (e) {
      const msg = (e as Error).message;
      expect(msg).toContain('native: failed: cannot find build/Release/nodetorch.node');
      expect(msg).toContain('npm run build:native');
      expect(msg).toMatch(/wasm: (available|failed)/);
      expect(msg).toContain('ref: available');
    }
    _resetBackendsForTest({ wasm: broken('missing nodetorch.wasm') });
    expect(() => setBackend('wasm')).toThrow(/npm run build:wasm/);
  });

  it('rejects unknown names', () => {
    process.env.NODETORCH_BACKEND = 'cuda';
    _resetBackendsForTest();
    expect(() => getBackend()).toThrow(RangeError);
    expect(() => setBackend('gpu' as never)).toThrow(/expected one of native, wasm, ref, got 'gpu'/);
  });

  it('backendInfo reports name, native ISA, threads and wasm SIMD', () => {
    delete process.env.NODETORCH_BACKEND;
    _resetBackendsForTest();
    setBackend('ref');
    const info = backendInfo();
    expect(info.name).toBe('ref');
    expect(info.threads).toBe(1);
    if (!availableBackends().some((b) => b.name === 'native')) expect([info.nativeSource, info.nativePath]).toEqual([null, null]);
    expect(typeof info.wasmSimd).toBe('boolean');
    if (availableBackends().some((b) => b.name === 'native')) {
      setBackend('native');
      const n = backendInfo();
      expect(['avx512', 'avx2', 'baseline']).toContain(n.nativeIsa);
      expect(['prebuilt', 'built', 'env']).toContain(n.nativeSource);
      expect(n.nativePath).toMatch(/nodetorch\.node$/);
      expect(n.threads).toBeGreaterThanOrEqual(1);
      // glibc: the addon tunes malloc at load unless NODETORCH_MALLOC_TUNING=0 (checked in a child below).
      expect(n.mallocTuned).toBe(glibc && process.env.NODETORCH_MALLOC_TUNING !== '0');
      setNumThreads(1);
      expect(getNumThreads()).toBe(1);
      expect(backendInfo().threads).toBe(1);
      setNumThreads(2);
      expect(getNumThreads()).toBe(2);
    }
    expect(() => setNumThreads(0)).toThrow(RangeError);
  });
});

describe('malloc tuning', () => {
  const native = availableBackends().some((b) => b.name === 'native');
  // A fresh process: the setting is made once, when the addon loads.
  const probe = (env: NodeJS.ProcessEnv) =>
    spawnSync(process.execPath, ['--import', 'tsx', '-e',
      "import('./src/backend/select.ts').then((m) => { m.setBackend('native'); process.stdout.write(String(m.backendInfo().mallocTuned)); })"],
    { encoding: 'utf8', env: { ...process.env, ...env } });
  it.skipIf(!native)('NODETORCH_MALLOC_TUNING=0 leaves malloc alone; otherwise glibc is tuned', () => {
    const off = probe({ NODETORCH_MALLOC_TUNING: '0' });
    expect(off.stderr).toBe('');
    expect(off.stdout).toBe('false');
    const on = probe({ NODETORCH_MALLOC_TUNING: '' });
    expect(on.stdout).toBe(String(glibc));
  });
});
