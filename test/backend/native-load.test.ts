/**
 * Where the native addon is loaded from (src/backend/native.ts): the file NODETORCH_NATIVE_PATH names,
 * else the prebuilt binary for this platform, else the local build; a candidate that does not load gives
 * way to the next, and when none loads the error names each file and why (then wasm serves).
 */
import { describe, expect, it } from 'vitest';
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadFirstNative, nativeCandidates, prebuiltAddonFile } from '../../src/backend/native.js';
import { loadedAddonFile } from '../helpers/native-file.js';

const glibc = Boolean((process.report.getReport() as { header?: { glibcVersionRuntime?: string } }).header?.glibcVersionRuntime);

/** A package root holding the given files (each a few junk bytes), removed after `body`. */
function withRoot(files: string[], body: (root: string) => void): void {
  const root = mkdtempSync(join(tmpdir(), 'nodetorch-load-'));
  try {
    for (const f of files) {
      mkdirSync(join(root, f, '..'), { recursive: true });
      writeFileSync(join(root, f), 'not an ELF file');
    }
    body(root);
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
}

const PREBUILT = `prebuilds/${process.platform}-${process.arch}/nodetorch.node`;
const BUILT = 'build/Release/nodetorch.node';

describe('native addon candidates', () => {
  it('prebuilt for this platform first, then the local build; missing files are left out', () => {
    withRoot([], (root) => expect(nativeCandidates(root, {})).toEqual([]));
    withRoot([BUILT], (root) => expect(nativeCandidates(root, {})).toEqual([{ source: 'built', file: join(root, BUILT) }]));
    withRoot([PREBUILT, BUILT, 'prebuilds/other-arch/nodetorch.node'], (root) => {
      expect(prebuiltAddonFile(root)).toBe(join(root, PREBUILT));
      const got = nativeCandidates(root, {});
      expect(got.map((c) => [c.source, c.file])).toEqual([['prebuilt', join(root, PREBUILT)], ['built', join(root, BUILT)]]);
      // Linux prebuilds are glibc binaries: skipped (with the reason) on any other C library.
      expect(got[0].skip !== undefined).toBe(process.platform === 'linux' && !glibc);
    });
  });

  it('NODETORCH_NATIVE_PATH names the only candidate', () => {
    withRoot([PREBUILT, BUILT], (root) => {
      expect(nativeCandidates(root, { NODETORCH_NATIVE_PATH: join(root, 'x.node') })).toEqual([{ source: 'env', file: join(root, 'x.node') }]);
    });
  });

  it('a candidate that does not load gives way to the next; when none loads, each file and reason is named', () => {
    withRoot([PREBUILT, BUILT], (root) => {
      const junk = nativeCandidates(root, {}).map((c) => ({ ...c, skip: undefined }));
      expect(() => loadFirstNative(junk)).toThrow(
        new RegExp(`^native addon: prebuilt ${join(root, PREBUILT)} not loadable: .+; built ${join(root, BUILT)} not loadable: `),
      );
      expect(() => loadFirstNative([{ ...junk[0], skip: 'why not' }])).toThrow(`prebuilt ${join(root, PREBUILT)} skipped: why not`);
      expect(() => loadFirstNative([])).toThrow(/no prebuilt binary for .+ and no local build/);
      const real = loadedAddonFile();
      if (real !== '') {
        const { from, addon } = loadFirstNative([junk[0], { source: 'built', file: real }]);
        expect(from).toEqual({ source: 'built', file: real });
        expect(typeof addon.kernels.matmul).toBe('function');
      }
    });
  });
});

describe('backendInfo says where the addon came from', () => {
  /** backendInfo() in a fresh process with the given environment. */
  function infoWith(env: Record<string, string>): { name: string; nativeSource: string | null; nativePath: string | null; unavailable: { reason: string }[] } {
    const script = `import('./src/index.ts').then((m) => process.stdout.write(JSON.stringify(m.backendInfo())))`;
    const e = { ...process.env, ...env };
    delete e.NODETORCH_BACKEND;
    const r = spawnSync(process.execPath, ['--import', 'tsx', '-e', script], { env: e, encoding: 'utf8' });
    expect(r.status, r.stderr).toBe(0);
    return JSON.parse(r.stdout);
  }

  it('NODETORCH_NATIVE_PATH naming a file that does not load: native unavailable, named, wasm serves', () => {
    withRoot(['bad.node'], (root) => {
      const info = infoWith({ NODETORCH_NATIVE_PATH: join(root, 'bad.node') });
      expect(info.name).toBe('wasm');
      expect(info.nativeSource).toBeNull();
      expect(info.unavailable[0].reason).toContain(`env ${join(root, 'bad.node')} not loadable`);
    });
  });

  it.skipIf(loadedAddonFile() === '')('NODETORCH_NATIVE_PATH naming a good addon: native from it', () => {
    const info = infoWith({ NODETORCH_NATIVE_PATH: loadedAddonFile() });
    expect([info.name, info.nativeSource, info.nativePath]).toEqual(['native', 'env', loadedAddonFile()]);
  });
});
