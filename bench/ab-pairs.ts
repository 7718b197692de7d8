/**
 * The timing loop of the in-process A/B scripts (bench/train-step-ab.ts, bench/example-step-ab.ts): warm-up
 * calls of both steps, then `pairs` pairs A, B, A, B, ... each timed in wall and process CPU time
 * (process.cpuUsage: time this process ran, so other jobs' slices on a shared machine do not count).
 */
import { performance } from 'node:perf_hooks';

export interface AbTimes {
  wallA: number[];
  wallB: number[];
  cpuA: number[];
  cpuB: number[];
  /** The last losses the two steps returned (they must agree). */
  lossA: number;
  lossB: number;
}

const cpuMs = () => {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1000;
};

/** `warmup` calls of each step, then `pairs` timed pairs. Each step returns its loss. */
export function alternatePairs(a: () => number, b: () => number, pairs: number, warmup: number): AbTimes {
  for (let i = 0; i < warmup; i++) {
    a();
    b();
  }
  const timed = (step: () => number) => {
    const c0 = cpuMs();
    const t0 = performance.now();
    const loss = step();
    return { wall: performance.now() - t0, cpu: cpuMs() - c0, loss };
  };
  const t: AbTimes = { wallA: [], wallB: [], cpuA: [], cpuB: [], lossA: 0, lossB: 0 };
  for (let i = 0; i < pairs; i++) {
    const ta = timed(a);
    const tb = timed(b);
    t.wallA.push(ta.wall);
    t.wallB.push(tb.wall);
    t.cpuA.push(ta.cpu);
    t.cpuB.push(tb.cpu);
    t.lossA = ta.loss;
    t.lossB = tb.loss;
  }
  return t;
}
