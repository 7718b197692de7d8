/**
 * Targets 1 and 2 (train step): zeroGrad + forward + CrossEntropyLoss + backward + SGD step of the reference
 * Inception1d on random input, batch 32 and 128.
 * - native at each thread count vs PyTorch 1.13 at the same count (torch.set_num_threads(T), faster malloc
 *   setting), bench/torch_train_step.py in a child process;
 * - wasm (1 thread) vs native at the same batch and vs PyTorch on 1 thread.
 * Interleaved for a noisy machine: each round runs, per thread count, PyTorch then native, then wasm; the
 * figures are medians over rounds of each measurement's median step. Minor page faults per timed step.
 */
import type { Backend } from '../src/backend/backend.js';
import { setBackend, getBackend, setNumThreads, getNumThreads, type BackendName } from '../src/backend/select.js';
import { Inception1d } from '../src/models/inception1d.js';
import { CrossEntropyLoss } from '../src/nn/index.js';
import { SGD } from '../src/optim/index.js';
import { randn, randint } from '../src/creation.js';
import { Generator } from '../src/util/generator.js';
import { referenceStep } from './reference-step.js';
import { performance } from 'node:perf_hooks';
import {
  TORCH_MALLOC_ENV, findPython, median, note, ratio, runPythonJson, threadEnv, type BenchOptions, type Row,
} from './harness.js';

interface Measure {
  /** Median step. */
  ms: number;
  /** Fastest step: the least disturbed by other jobs. */
  minMs: number;
  faultsPerStep: number;
}

/** A model, optimizer and batch on one backend, and a function that times `steps` steps. */
function stepper(backend: BackendName, batch: number): (steps: number) => Measure {
  setBackend(backend);
  const step = referenceStep({ Inception1d, CrossEntropyLoss, SGD, randn, randint, Generator }, batch);
  return (steps) => {
    setBackend(backend);
    for (let i = 0; i < 2; i++) step();
    const times: number[] = [];
    const f0 = process.resourceUsage().minorPageFault;
    for (let i = 0; i < steps; i++) {
      const t0 = performance.now();
      step();
      times.push(performance.now() - t0);
    }
    return { ms: median(times), minMs: Math.min(...times), faultsPerStep: (process.resourceUsage().minorPageFault - f0) / steps };
  };
}

interface TorchMeasure extends Measure {
  threads: number;
}

export interface TrainStepResult {
  /** native vs PyTorch per batch and thread count. */
  native: Row[];
  /** wasm vs native and PyTorch per batch. */
  wasm: Row[];
  /** native batch 128: time on 1 thread / time on 2 threads (and PyTorch's own). */
  speedup: Row | null;
  torch: string | null;
  rounds: number;
  /** Every measurement, by `<side>/<batch>/<threads>`, in round order. */
  raw: Record<string, Measure[]>;
}

export function benchTrainStep(backends: Backend[], o: BenchOptions): TrainStepResult {
  const previous = getBackend().name;
  const prevThreads = getNumThreads();
  const hasNative = backends.some((b) => b.name === 'native');
  const hasWasm = backends.some((b) => b.name === 'wasm');
  if (!hasNative) note('train step: native addon not loaded: native rows skipped');
  const py = findPython('torch');
  if (typeof py === 'string') note(`train step: PyTorch baseline skipped: ${py}`);
  const rounds = o.quick ? 1 : 3;
  const torchThreads = [...new Set([...o.threads, ...(hasWasm ? [1] : [])])].sort((a, b) => a - b);
  const ms = new Map<string, Measure[]>();
  const push = (k: string, m: Measure) => ms.set(k, [...(ms.get(k) ?? []), m]);
  const med = (k: string, f: keyof Measure = 'ms') => (ms.has(k) ? median(ms.get(k)!.map((m) => m[f])) : null);
  const min = (k: string) => (ms.has(k) ? Math.min(...ms.get(k)!.map((m) => m.minMs)) : null);

  for (const batch of [32, 128]) {
    const steps = batch === 32 ? (o.quick ? 8 : 20) : o.quick ? 4 : 8;
    const native = hasNative ? stepper('native', batch) : null;
    const wasm = hasWasm && (batch === 32 || !o.quick) ? stepper('wasm', batch) : null;
    for (let r = 0; r < rounds; r++) {
      for (const t of torchThreads) {
        if (typeof py !== 'string') {
          try {
            const m = runPythonJson<TorchMeasure>(py.exe, 'torch_train_step.py', [batch, t, steps], { ...threadEnv(t), ...TORCH_MALLOC_ENV });
            push(`torch/${batch}/${t}`, m);
          } catch (e) {
            note(`train step: PyTorch batch ${batch}, ${t} threads failed: ${(e as Error).message}`);
          }
        }
        if (native && o.threads.includes(t)) {
          setNumThreads(t);
          push(`native/${batch}/${t}`, native(steps));
        }
      }
      if (wasm) push(`wasm/${batch}/1`, wasm(steps));
    }
  }
  setBackend(previous);
  if (hasNative) setNumThreads(prevThreads);

  const nativeRows: Row[] = [];
  const wasmRows: Row[] = [];
  for (const batch of [32, 128]) {
    for (const t of o.threads) {
      const ours = med(`native/${batch}/${t}`), torch = med(`torch/${batch}/${t}`);
      if (ours === null && torch === null) continue;
      nativeRows.push({
        batch, threads: t,
        'native ms': ours, 'samples/s': ours && (batch * 1000) / ours, 'faults/step': round(med(`native/${batch}/${t}`, 'faultsPerStep')),
        'PyTorch ms': torch, 'PyTorch faults/step': round(med(`torch/${batch}/${t}`, 'faultsPerStep')),
        'native/PyTorch': ratio(ours, torch),
        'native min': min(`native/${batch}/${t}`), 'PyTorch min': min(`torch/${batch}/${t}`),
        'ratio of mins': ratio(min(`native/${batch}/${t}`), min(`torch/${batch}/${t}`)),
      });
    }
    const w = med(`wasm/${batch}/1`);
    if (w !== null) {
      wasmRows.push({
        batch, threads: 1, 'wasm ms': w, 'samples/s': (batch * 1000) / w, 'faults/step': round(med(`wasm/${batch}/1`, 'faultsPerStep')),
        'wasm/native 1T': ratio(w, med(`native/${batch}/1`)), 'wasm/native 2T': ratio(w, med(`native/${batch}/2`)),
        'PyTorch 1T ms': med(`torch/${batch}/1`), 'wasm/PyTorch 1T': ratio(w, med(`torch/${batch}/1`)),
      });
    }
  }
  const n1 = med('native/128/1'), n2 = med('native/128/2'), t1 = med('torch/128/1'), t2 = med('torch/128/2');
  const speedup = n1 !== null && n2 !== null
    ? { batch: 128, 'native 1T ms': n1, 'native 2T ms': n2, 'native 2T speedup': ratio(n1, n2), 'PyTorch 2T speedup': ratio(t1, t2) }
    : null;
  return { native: nativeRows, wasm: wasmRows, speedup, torch: typeof py === 'string' ? null : `${py.version} via ${py.exe}`, rounds, raw: Object.fromEntries(ms) };
}

function round(x: number | null): number | null {
  return x === null ? null : Math.round(x);
}
