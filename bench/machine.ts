/** What the numbers should be read against: CPU, cores, theoretical peak FLOP/s, measured copy bandwidth. */
import { cpus } from 'node:os';
import { readFileSync } from 'node:fs';
import { time } from './harness.js';

export interface MachineInfo {
  cpu: string;
  cores: number;
  mhz: number;
  simd: string;
  /** Single-core float32 peak: 2 FMA pipes x lanes x 2 flops x clock. */
  peakGflopsPerCore: number;
  /** Measured single-thread memcpy bandwidth over 64 MiB, GB/s (read + write). */
  copyGBs: number;
}

export function machineInfo(): MachineInfo {
  const c = cpus();
  let cpuinfo = '';
  try {
    cpuinfo = readFileSync('/proc/cpuinfo', 'utf8');
  } catch {
    /* not Linux */
  }
  const flags = cpuinfo.match(/^flags\s*:(.*)$/m)?.[1] ?? '';
  const has = (f: string) => new RegExp(`\\b${f}\\b`).test(flags);
  const simd = has('avx512f') ? 'avx512' : has('avx2') && has('fma') ? 'avx2+fma' : has('sse2') ? 'sse2' : 'unknown';
  const lanes = simd === 'avx512' ? 16 : simd === 'avx2+fma' ? 8 : 4;
  const fma = simd === 'sse2' ? 1 : 2;
  // os.cpus() reports 0 MHz on some VMs; /proc/cpuinfo still has the clock.
  const mhz = c[0]?.speed || Number(cpuinfo.match(/^cpu MHz\s*:\s*([\d.]+)/m)?.[1] ?? 0);
  const src = new Float64Array(8 << 20);
  const dst = new Float64Array(8 << 20);
  src.fill(1);
  const t = time(() => dst.set(src), 200, 3);
  return {
    cpu: c[0]?.model ?? 'unknown',
    cores: c.length,
    mhz,
    simd,
    peakGflopsPerCore: (2 * lanes * fma * mhz) / 1000,
    copyGBs: (2 * src.byteLength) / t.medianMs / 1e6,
  };
}
