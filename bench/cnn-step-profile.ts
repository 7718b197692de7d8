/**
 * The CNN example's train step (DigitCnn 16/32 ch on (32, 1, 28, 28), Adam) in a loop, for a CPU profile or a
 * quick per-step CPU time: `node --import tsx [--cpu-prof] bench/cnn-step-profile.ts [backend] [threads] [steps]`.
 * Prints the median wall ms, the process CPU ms and the minor page faults per step (CPU time and faults are
 * steadier than wall time on a shared machine).
 */
import { performance } from 'node:perf_hooks';
import { setBackend, setNumThreads, type BackendName } from '../src/backend/select.js';
import { cnnExampleStep } from './cnn-example-step.js';
import { median } from './harness.js';

const [backend = 'native', threads = '1', steps = '100'] = process.argv.slice(2);
setBackend(backend as BackendName);
if (backend === 'native') setNumThreads(Number(threads));
const step = cnnExampleStep();
for (let i = 0; i < 10; i++) step();
const times: number[] = [];
const cpu0 = process.cpuUsage();
const faults0 = process.resourceUsage().minorPageFault;
for (let i = 0; i < Number(steps); i++) {
  const t0 = performance.now();
  step();
  times.push(performance.now() - t0);
}
const cpu = process.cpuUsage(cpu0);
const faults = (process.resourceUsage().minorPageFault - faults0) / Number(steps);
console.log(`${backend} ${threads}T: median ${median(times).toFixed(2)} ms, min ${Math.min(...times).toFixed(2)} ms, CPU ${((cpu.user + cpu.system) / 1000 / Number(steps)).toFixed(2)} ms/step, ${faults.toFixed(0)} page faults/step`);
