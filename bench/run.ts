/**
 * `npm run bench`: kernel throughput per backend and the reference model's train step, printed as
 * tables and written as JSON to bench/results/<timestamp>.json. Ratios between backends measured in
 * the same process are the numbers to trust on a noisy machine.
 *
 * Flags: --quick (shorter timing), --only kernels|train, --threads N (native pool size).
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { availableBackends, setNumThreads, getNumThreads } from '../src/backend/select.js';
import { benchKernels } from './kernels.js';
import { benchTrainStep } from './train-step.js';
import { machineInfo } from './machine.js';
import { printTable } from './harness.js';

const args = process.argv.slice(2);
const flag = (name: string) => {
  const i = args.indexOf(name);
  return i >= 0 ? args[i + 1] : undefined;
};
const quick = args.includes('--quick');
const only = flag('--only');
const threads = flag('--threads');
if (threads) setNumThreads(Number(threads));

const machine = machineInfo();
const backends = availableBackends();
console.log(`machine: ${machine.cpu}, ${machine.cores} cores @ ${machine.mhz} MHz, ${machine.simd}`);
console.log(`peak ~${machine.peakGflopsPerCore.toFixed(0)} GFLOP/s per core (fp32 FMA); copy bandwidth ${machine.copyGBs.toFixed(1)} GB/s`);
console.log(`backends: ${backends.map((b) => b.name).join(', ')}; native threads: ${getNumThreads()}; wasm and ref: 1 thread`);

const result: Record<string, unknown> = { date: new Date().toISOString(), machine, threads: getNumThreads() };
if (only !== 'train') {
  console.log('\nkernels (median):');
  const rows = benchKernels(backends, quick ? 100 : 300);
  printTable(rows);
  result.kernels = rows;
}
if (only !== 'kernels') {
  console.log('\ntrain step of the reference Inception1d (forward + backward + SGD):');
  const rows = benchTrainStep(backends, quick);
  printTable(rows);
  result.trainStep = rows;
}
mkdirSync(new URL('./results/', import.meta.url), { recursive: true });
const file = new URL(`./results/bench-${Date.now()}.json`, import.meta.url);
writeFileSync(file, JSON.stringify(result, null, 2));
console.log(`\nJSON: ${file.pathname}`);
