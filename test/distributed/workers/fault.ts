/**
 * Fault injection. argv[2]: 'die' (rank VICTIM SIGKILLs itself in the middle of a run of allreduces),
 * 'stall' (rank VICTIM stops answering: it blocks its thread), 'absent' (for rendezvous: run alone),
 * 'nojoin' (rank VICTIM, known from the launcher's environment, never calls initProcessGroup).
 * LATE (optional): a survivor that reaches the fatal allreduce late.
 * Survivors print `FAILED <message>` and exit 17; nothing may hang (the test has a hard time limit).
 */
import { distributed as dist, zeros } from '../../../src/index.js';

const mode = process.argv[2];
const victim = Number(process.env.VICTIM ?? 1);
const late = Number(process.env.LATE ?? -1);
const timeoutMs = Number(process.env.TIMEOUT_MS ?? 4000);
const envRank = Number(process.env.RANK ?? process.env.OMPI_COMM_WORLD_RANK);
if (mode === 'nojoin' && envRank === victim) {
  Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, timeoutMs + 8000);
  process.exit(0);
}
try {
  dist.initProcessGroup({ timeoutMs });
  const rank = dist.getRank();
  const t = zeros([1 << 20]);
  for (let i = 0; i < 1000; i++) {
    // Rank LATE reaches the fatal collective a second late: the other survivors have failed (and rank 0,
    // the store's host, has exited) before it learns anything.
    if (rank === late && i === 5) Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 1000);
    if (rank === victim && i === 5) {
      if (mode === 'die') process.kill(process.pid, 'SIGKILL');
      if (mode === 'stall') Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, timeoutMs + 4000);
    }
    // Async then wait: the failure surfaces from a work handle as from a plain call.
    dist.allReduce(t, { asyncOp: true }).wait();
  }
  console.log('NO FAILURE');
} catch (e) {
  console.log(`FAILED ${(e as Error).message}`);
  process.exit(17);
}
