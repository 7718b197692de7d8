import { spawn, spawnSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { cleanStaleTemps, writeFileAtomic } from '../../src/io/atomic-write.js';
import { loadCheckpoint } from '../../src/io/serialize.js';
import type { Tensor } from '../../src/tensor.js';
import { Generator } from '../../src/util/generator.js';
import { tempDir } from './util.js';

const tmp = tempDir();
afterAll(tmp.cleanup);
const enc = new TextEncoder();
const temps = (name: string): string[] => readdirSync(tmp.dir).filter((f) => f.startsWith(`.${name}.`) && f.endsWith('.tmp'));

describe('writeFileAtomic', () => {
  it('creates and replaces files, from one buffer or chunks, leaving no temp file', () => {
    const f = join(tmp.dir, 'a.bin');
    writeFileAtomic(f, enc.encode('first'));
    expect(readFileSync(f, 'utf8')).toBe('first');
    writeFileAtomic(f, [enc.encode('sec'), enc.encode('ond'), new Uint8Array(0)]);
    expect(readFileSync(f, 'utf8')).toBe('second');
    writeFileAtomic(f, new Uint8Array(0), { fsync: false });
    expect(readFileSync(f).length).toBe(0);
    expect(temps('a.bin')).toEqual([]);
  });

  it('leaves the previous file intact and removes its temp file when a write fails', () => {
    const f = join(tmp.dir, 'b.bin');
    writeFileAtomic(f, enc.encode('good'));
    expect(() => writeFileAtomic(f, [enc.encode('partial'), 'not bytes' as never])).toThrow(/expected Uint8Array chunks, got 'not bytes'/);
    expect(readFileSync(f, 'utf8')).toBe('good');
    expect(temps('b.bin')).toEqual([]);
  });

  it('fails cleanly for a missing directory or an empty path', () => {
    expect(() => writeFileAtomic(join(tmp.dir, 'no', 'such', 'dir', 'x'), enc.encode('x'))).toThrow(/ENOENT/);
    expect(() => writeFileAtomic('', enc.encode('x'))).toThrow(TypeError);
  });

  it('applies the mode to new files', () => {
    const f = join(tmp.dir, 'mode.bin');
    writeFileAtomic(f, enc.encode('x'), { mode: 0o600 });
    if (process.platform !== 'win32') expect(statSync(f).mode & 0o777).toBe(0o600);
  });

  it('removes temp files left by dead writers, keeps those of live ones', () => {
    const f = join(tmp.dir, 'c.bin');
    const dead = spawnSync(process.execPath, ['-e', 'process.stdout.write(String(process.pid))'], { encoding: 'utf8' });
    const deadPid = Number(dead.stdout);
    writeFileSync(join(tmp.dir, `.c.bin.${deadPid}.abcdef012345.tmp`), 'junk');
    writeFileSync(join(tmp.dir, `.c.bin.${process.ppid}.abcdef012345.tmp`), 'in progress');
    writeFileSync(join(tmp.dir, '.c.bin.unrelated.tmp'), 'not ours');
    writeFileAtomic(f, enc.encode('x'));
    expect(temps('c.bin').sort()).toEqual([`.c.bin.${process.ppid}.abcdef012345.tmp`, '.c.bin.unrelated.tmp'].sort());
  });
});

const WRITER = fileURLToPath(new URL('./kill-writer.ts', import.meta.url));
const ROOT = fileURLToPath(new URL('../../', import.meta.url));

interface KillResult { lastReported: number; tempLeft: boolean }

/**
 * Start the writer, let it finish at least one checkpoint, then SIGKILL it either after `delayMs` or as
 * soon as its temp file appears (mid-write).
 */
function killWriter(path: string, numel: number, delayMs: number | 'mid-write'): Promise<KillResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', WRITER, path, String(numel)], { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
    const name = path.split('/').pop()!;
    let out = '';
    let err = '';
    let armed = false;
    let poll: NodeJS.Timeout | null = null;
    child.stdout.on('data', (d) => {
      out += d;
      if (armed || !out.includes('wrote ')) return;
      armed = true;
      if (delayMs === 'mid-write') {
        poll = setInterval(() => {
          if (temps(name).some((t) => t.includes(`.${child.pid}.`))) child.kill('SIGKILL');
        }, 1);
      } else {
        setTimeout(() => child.kill('SIGKILL'), delayMs);
      }
    });
    child.stderr.on('data', (d) => {
      err += d;
    });
    // 'close' (not 'exit'): fires after stdout drained, so every line the child wrote has been read.
    child.on('close', (code, signal) => {
      if (poll) clearInterval(poll);
      if (signal !== 'SIGKILL') {
        reject(new Error(`writer exited with ${code}: ${err}`));
        return;
      }
      const reported = [...out.matchAll(/wrote (\d+)/g)].map((m) => Number(m[1]));
      resolve({ lastReported: Math.max(...reported), tempLeft: temps(name).some((t) => t.includes(`.${child.pid}.`)) });
    });
  });
}

describe('a writer killed with SIGKILL mid-checkpoint leaves the previous checkpoint loadable', () => {
  it.each(['kill.safetensors', 'kill.pth'])('%s', async (name) => {
    const path = join(tmp.dir, name);
    const rng = new Generator(20240601);
    const numel = 1 << 20; // 4 MiB of float32 per tensor, written twice per checkpoint
    const plans: (number | 'mid-write')[] = ['mid-write', rng.randint(0, 100), 'mid-write'];
    let midWriteKills = 0;
    for (const plan of plans) {
      const { lastReported, tempLeft } = await killWriter(path, numel, plan);
      if (tempLeft) midWriteKills++;
      const ck = loadCheckpoint(path, { generator: null });
      // The file is one complete checkpoint: the last reported one or the one finished just after.
      expect(ck.step).toBeGreaterThanOrEqual(lastReported);
      expect(ck.step).toBeLessThanOrEqual(lastReported + 1);
      const w = ck.model['layer.weight'].data;
      const c = ck.model['layer.count'].data;
      const m = (ck.optimizer as { state: Record<number, { momentum_buffer: Tensor }> }).state[0].momentum_buffer.data;
      expect(w.length).toBe(numel);
      for (const arr of [w, m]) for (let i = 0; i < arr.length; i += 4099) expect(arr[i]).toBe(ck.step);
      expect(w[numel - 1]).toBe(ck.step);
      expect(m[numel - 1]).toBe(ck.step);
      expect(c[c.length - 1]).toBe(-ck.step);
    }
    expect(midWriteKills).toBeGreaterThan(0); // at least one kill landed while a temp file was being written
    // The next successful write clears what the killed writers left behind.
    writeFileAtomic(join(tmp.dir, name), readFileSync(path));
    expect(temps(name)).toEqual([]);
    expect(existsSync(path)).toBe(true);
  });
});

describe('cleanStaleTemps', () => {
  it('removes the temp file of a writer killed mid-write, keeps live writers\' temps and other files', async () => {
    const path = join(tmp.dir, 'stale.safetensors');
    let left = false;
    for (let attempt = 0; attempt < 5 && !left; attempt++) left = (await killWriter(path, 1 << 20, 'mid-write')).tempLeft;
    expect(left).toBe(true); // the SIGKILL landed while the temp file was open
    const killed = temps('stale.safetensors');
    expect(killed.length).toBeGreaterThan(0);
    const live = [`.stale.safetensors.${process.ppid}.0123456789ab.tmp`, `.stale.safetensors.${process.pid}.0123456789ab.tmp`];
    const other = `.other.bin.${process.ppid}.0123456789ab.tmp`;
    for (const f of [...live, other, '.stale.safetensors.notapid.tmp']) writeFileSync(join(tmp.dir, f), 'x');
    // by file path: only that file's stale temps
    expect(cleanStaleTemps(path).sort()).toEqual(killed.map((f) => join(tmp.dir, f)).sort());
    expect(temps('stale.safetensors').sort()).toEqual([...live, '.stale.safetensors.notapid.tmp'].sort());
    expect(loadCheckpoint(path, { generator: null }).step).toBeGreaterThan(0);
    // by directory: everything stale in it; a dead writer of another file too
    const dead = Number(spawnSync(process.execPath, ['-e', 'process.stdout.write(String(process.pid))'], { encoding: 'utf8' }).stdout);
    writeFileSync(join(tmp.dir, `.other.bin.${dead}.0123456789ab.tmp`), 'x');
    expect(cleanStaleTemps(tmp.dir)).toEqual([join(tmp.dir, `.other.bin.${dead}.0123456789ab.tmp`)]);
    expect(existsSync(join(tmp.dir, other))).toBe(true);
    expect(cleanStaleTemps(join(tmp.dir, 'never-written.bin'))).toEqual([]);
    expect(() => cleanStaleTemps('' as never)).toThrow(/^cleanStaleTemps: expected a directory or file path, got ''$/);
  });
});
