/**
 * The machine line every figure is read against: CPU model and flags, cores, the ISA the addon picked, the
 * measured fp32 FMA peak (bench/fma_peak.cc built with g++ in a temp dir) and the measured copy bandwidth.
 */
import { cpus, tmpdir } from 'node:os';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { spawnSync } from 'node:child_process';
import { availableBackends, backendInfo, setNumThreads, getNumThreads } from '../src/backend/select.js';
import { benchFile, note, rand, time } from './harness.js';

export interface FmaPeak {
  /** How it was obtained. */
  method: string;
  /** GFLOP/s per ISA and thread count, e.g. { avx2: { '1': 115, '2': 230 }, avx512: {...} }. */
  measured: Record<string, Record<string, number>> | null;
  /** Best single-core figure (measured, else computed from the clock). */
  gflopsPerCore: number;
}

export interface CopyBandwidth {
  /** Float32Array.prototype.set of 64 MiB (memcpy), 1 thread: GB/s counting bytes read + written. */
  typedArraySet64MiB: number;
  /** The same at the model's largest activation (32 x 32 x 600 floats, 2.4 MB: cache-resident). */
  typedArraySetActivation: number;
  /** The native `add` kernel (out = a + b, 16 Mi floats, 12 bytes per element) per thread count. */
  nativeAdd: Record<string, number> | null;
}

export interface MachineInfo {
  cpu: string;
  cores: number;
  mhz: number;
  flags: { avx2: boolean; fma: boolean; avx512f: boolean };
  /** The kernel variant the native addon picked (backendInfo().nativeIsa), null without the addon. */
  nativeIsa: string | null;
  /** Nominal single-core peak from the clock: 2 FMA pipes x lanes x 2 flops x clock (AVX2 lanes). */
  nominalGflopsPerCore: number;
  fmaPeak: FmaPeak;
  copy: CopyBandwidth;
}

function cpuinfo(): string {
  try {
    return readFileSync('/proc/cpuinfo', 'utf8');
  } catch {
    return ''; // not Linux
  }
}

/** Build bench/fma_peak.cc in a temp dir and run it; null (with a note) when g++ is missing or fails. */
function measureFmaPeak(avx512: boolean, threads: number): Record<string, Record<string, number>> | null {
  const dir = mkdtempSync(join(tmpdir(), 'nodetorch-fma-'));
  try {
    const exe = join(dir, 'fma_peak');
    const flags = ['-O2', '-mavx2', '-mfma', ...(avx512 ? ['-mavx512f'] : []), '-pthread'];
    const cc = spawnSync('g++', [...flags, benchFile('fma_peak.cc'), '-o', exe], { encoding: 'utf8', timeout: 120_000 });
    if (cc.error || cc.status !== 0) {
      note(`FMA peak not measured: g++ ${cc.error ? 'not found' : `failed: ${cc.stderr.trim().split('\n')[0]}`}; peak computed from the clock`);
      return null;
    }
    const r = spawnSync(exe, [String(threads)], { encoding: 'utf8', timeout: 120_000 });
    if (r.status !== 0) {
      note(`FMA peak not measured: fma_peak exited ${r.status}; peak computed from the clock`);
      return null;
    }
    return JSON.parse(r.stdout.trim()) as Record<string, Record<string, number>>;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** memcpy-like copy bandwidth (bytes read + written per second), measured now. */
export function copyBandwidth(floats = 16 << 20, targetMs = 300): number {
  const src = rand(floats, 11);
  const dst = new Float32Array(floats);
  const t = time(() => dst.set(src), targetMs, 5);
  return (2 * src.byteLength) / t.medianMs / 1e6;
}

/** Native `add` (out = a + b) over 16 Mi floats at each thread count, GB/s; null without the addon. */
function nativeAddBandwidth(threads: number[]): Record<string, number> | null {
  const native = availableBackends().find((b) => b.name === 'native');
  if (!native) return null;
  const n = 16 << 20;
  const a = rand(n, 12), b = rand(n, 13), out = new Float32Array(n);
  const prev = getNumThreads();
  const res: Record<string, number> = {};
  for (const t of threads) {
    setNumThreads(t);
    res[String(t)] = (12 * n) / time(() => native.add(a, b, out), 300, 5).medianMs / 1e6;
  }
  setNumThreads(prev);
  return res;
}

export function machineInfo(threads: number[]): MachineInfo {
  const c = cpus();
  const info = cpuinfo();
  const flagLine = info.match(/^flags\s*:(.*)$/m)?.[1] ?? '';
  const has = (f: string) => new RegExp(`\\b${f}\\b`).test(flagLine);
  const flags = { avx2: has('avx2'), fma: has('fma'), avx512f: has('avx512f') };
  // os.cpus() reports 0 MHz on some VMs; /proc/cpuinfo still has the clock.
  const mhz = c[0]?.speed || Number(info.match(/^cpu MHz\s*:\s*([\d.]+)/m)?.[1] ?? 0);
  const lanes = flags.avx2 && flags.fma ? 8 : 4;
  const nominal = (2 * lanes * 2 * mhz) / 1000;
  const maxThreads = Math.max(2, ...threads);
  const measured = flags.avx2 && flags.fma ? measureFmaPeak(flags.avx512f, maxThreads) : null;
  if (!(flags.avx2 && flags.fma)) note('FMA peak not measured: the CPU has no AVX2+FMA; peak computed from the clock');
  const perCore = measured ? Math.max(...Object.values(measured).map((r) => r['1'] ?? 0)) : nominal;
  let isa: string | null = null;
  try {
    isa = backendInfo().nativeIsa;
  } catch {
    /* a forced backend that cannot load: leave it null */
  }
  return {
    cpu: info.match(/^model name\s*:\s*(.*)$/m)?.[1] ?? c[0]?.model ?? 'unknown',
    cores: c.length,
    mhz,
    flags,
    nativeIsa: isa,
    nominalGflopsPerCore: nominal,
    fmaPeak: {
      method: measured
        ? `bench/fma_peak.cc, g++ -O2 -mavx2 -mfma${flags.avx512f ? ' -mavx512f' : ''}: 12 FMA chains per thread, per thread CPU-second (descheduled time excluded), best of 5`
        : `computed: 2 FMA pipes x ${lanes} lanes x 2 flops x ${mhz} MHz`,
      measured,
      gflopsPerCore: perCore,
    },
    copy: {
      typedArraySet64MiB: copyBandwidth(),
      typedArraySetActivation: copyBandwidth(32 * 32 * 600),
      nativeAdd: nativeAddBandwidth(threads),
    },
  };
}

/** The machine as one printed paragraph. */
export function printMachine(m: MachineInfo): void {
  const f = m.flags;
  console.log(`machine: ${m.cpu}, ${m.cores} cores @ ${m.mhz.toFixed(0)} MHz; avx2 ${f.avx2 ? 'yes' : 'no'}, fma ${f.fma ? 'yes' : 'no'}, ` +
    `avx512f ${f.avx512f ? 'yes' : 'no'}; native addon ISA: ${m.nativeIsa ?? 'n/a (addon not loaded)'}`);
  const peak = m.fmaPeak.measured
    ? Object.entries(m.fmaPeak.measured).map(([isa, r]) => `${isa} ${Object.entries(r).map(([t, g]) => `${g.toFixed(0)} (${t}T)`).join(' / ')}`).join('; ')
    : `${m.fmaPeak.gflopsPerCore.toFixed(0)} (computed)`;
  console.log(`fp32 FMA peak, GFLOP/s: ${peak}  [${m.fmaPeak.method}; nominal from clock ${m.nominalGflopsPerCore.toFixed(0)} per core]`);
  const add = m.copy.nativeAdd ? Object.entries(m.copy.nativeAdd).map(([t, g]) => `${g.toFixed(1)} (${t}T)`).join(' / ') : 'n/a';
  console.log(`copy bandwidth, GB/s (read + written): Float32Array.set 64 MiB ${m.copy.typedArraySet64MiB.toFixed(1)}, ` +
    `at 2.4 MB ${m.copy.typedArraySetActivation.toFixed(1)} (1 thread); native add 16 Mi floats ${add}`);
}
