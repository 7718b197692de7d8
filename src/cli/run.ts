/**
 * `nodetorch run`: the launcher of data-parallel jobs (torchrun's shape). Starts --nproc-per-node copies
 * of a script with the environment `distributed.initProcessGroup()` reads (RANK, LOCAL_RANK,
 * WORLD_SIZE, LOCAL_WORLD_SIZE, MASTER_ADDR, MASTER_PORT), prefixes each output line with its rank,
 * stops every rank at the first failure and exits with its code, forwards SIGINT/SIGTERM, and makes the
 * ranks exit if the launcher itself dies (a parent-pid watch preloaded into each rank).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { createServer } from 'node:net';
import { createInterface } from 'node:readline';
import { availableParallelism } from 'node:os';
import { constants } from 'node:os';
import { UsageError } from './args.js';
import { runMpi } from './run-mpi.js';

export const RUN_HELP = `Usage: nodetorch run [options] script.js [script args]

Starts one process per rank running script.js (torchrun's environment variables set).

Options:
  --nproc-per-node N   processes on this machine (default 1)
  --nnodes M           machines in the job (default 1)
  --node-rank K        this machine's index in [0, M) (default 0)
  --master-addr H      address of rank 0's machine (default 127.0.0.1)
  --master-port P      its rendezvous port (default: a free port when --nnodes is 1, else 29500)
  --backend gloo|mpi   the engine initProcessGroup() picks by default (NODETORCH_DIST_BACKEND);
                       mpi starts the ranks through Open MPI's mpirun (one machine; for several,
                       run mpirun or srun directly: initProcessGroup reads OMPI_COMM_WORLD_RANK/SIZE)
`;

/** The launcher's parsed command line. */
export interface RunConfig {
  nprocPerNode: number;
  nnodes: number;
  nodeRank: number;
  masterAddr: string;
  masterPort: number | undefined;
  backend: string | undefined;
  script: string;
  scriptArgs: string[];
}

const INT_FLAGS = { '--nproc-per-node': 'nprocPerNode', '--nnodes': 'nnodes', '--node-rank': 'nodeRank', '--master-port': 'masterPort' } as const;

/** Parses `run`'s options up to the script; everything after the script belongs to it. Null for --help. */
export function parseRunArgs(argv: readonly string[]): RunConfig | null {
  const c: RunConfig = { nprocPerNode: 1, nnodes: 1, nodeRank: 0, masterAddr: '127.0.0.1', masterPort: undefined, backend: undefined, script: '', scriptArgs: [] };
  let i = 0;
  for (; i < argv.length && argv[i].startsWith('--'); i++) {
    let [flag, value] = argv[i].split(/=(.*)/s, 2) as [string, string | undefined];
    flag = flag.replace(/_/g, '-'); // torchrun also spells them --nproc_per_node
    if (flag === '--help') return null;
    if (value === undefined) {
      if (i + 1 >= argv.length) throw new UsageError(`run: ${flag} needs a value`);
      value = argv[++i];
    }
    if (flag in INT_FLAGS) {
      const n = Number(value);
      const min = flag === '--node-rank' ? 0 : 1;
      if (!Number.isInteger(n) || n < min || (flag === '--master-port' && n > 65535)) throw new UsageError(`run: ${flag} must be an integer >= ${min}, got '${value}'`);
      c[INT_FLAGS[flag as keyof typeof INT_FLAGS]] = n;
    } else if (flag === '--master-addr') c.masterAddr = value;
    else if (flag === '--backend') {
      if (value !== 'gloo' && value !== 'mpi') throw new UsageError(`run: --backend must be gloo or mpi, got '${value}'`);
      c.backend = value;
    } else throw new UsageError(`run: unknown option ${flag} (see nodetorch run --help)`);
  }
  if (i >= argv.length) throw new UsageError('run: expected a script to run (see nodetorch run --help)');
  if (c.nodeRank >= c.nnodes) throw new UsageError(`run: --node-rank must be in [0, ${c.nnodes}), got ${c.nodeRank}`);
  if (c.backend === 'mpi' && c.nnodes > 1) throw new UsageError('run: --backend mpi runs on one machine; for several, run mpirun (or srun) with a hostfile directly');
  c.script = argv[i];
  c.scriptArgs = argv.slice(i + 1);
  return c;
}

/** A TCP port nothing listens on right now. */
function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.unref();
    s.on('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const a = s.address();
      s.close(() => (a && typeof a === 'object' ? resolve(a.port) : reject(new Error('no port'))));
    });
  });
}

/** Copies a child's stream to ours line by line, each line prefixed with the rank. */
function prefixLines(from: NodeJS.ReadableStream, to: NodeJS.WritableStream, rank: number): Promise<void> {
  const rl = createInterface({ input: from, crlfDelay: Infinity });
  rl.on('line', (line) => to.write(`[rank${rank}]: ${line}\n`));
  return new Promise((resolve) => rl.on('close', resolve));
}

/** Exit code of a child as a shell reports it (128 + signal number when killed). */
function exitCode(code: number | null, signal: NodeJS.Signals | null): number {
  if (code !== null) return code;
  return 128 + (signal ? (constants.signals[signal] ?? 1) : 1);
}

/** The preload that makes a rank exit when the launcher dies (same extension as this file). */
const PRELOAD = new URL(`./run-child-preload${import.meta.url.endsWith('.ts') ? '.ts' : '.js'}`, import.meta.url).href;

/** Runs the job; resolves with the launcher's exit code. */
export async function run(c: RunConfig): Promise<number> {
  const threads = process.env.NODETORCH_NUM_THREADS ?? String(Math.max(1, Math.floor(availableParallelism() / c.nprocPerNode)));
  if (c.backend === 'mpi') return runMpi(c, PRELOAD, threads);
  const port = c.masterPort ?? (c.nnodes === 1 ? await freePort() : 29500);
  const worldSize = c.nnodes * c.nprocPerNode;
  const children: ChildProcess[] = [];
  const outputs: Promise<void>[] = [];
  let failure: { rank: number; code: number } | null = null;
  let live = c.nprocPerNode;
  let done!: () => void;
  const allExited = new Promise<void>((r) => (done = r));

  const stopAll = (signal: NodeJS.Signals): void => {
    for (const ch of children) if (ch.exitCode === null && ch.signalCode === null) ch.kill(signal);
  };
  let killTimer: NodeJS.Timeout | undefined;
  const stopAllThenKill = (): void => {
    stopAll('SIGTERM');
    killTimer ??= setTimeout(() => stopAll('SIGKILL'), 5000);
    killTimer.unref();
  };
  // Ranks that exited before the launcher next reaped its children are reported together, in spawn
  // order rather than the order they exited in: a survivor that failed on a killed rank's death (and
  // exited at once) may come first. So the failure is picked once the event loop's pass is over, a rank
  // killed by a signal before one that exited with an error.
  const reaped: { rank: number; code: number | null; signal: NodeJS.Signals | null }[] = [];
  const settleFailure = (): void => {
    if (failure !== null || reaped.length === 0) return;
    const f = reaped.find((r) => r.signal !== null) ?? reaped[0];
    failure = { rank: f.rank, code: exitCode(f.code, f.signal) };
    process.stderr.write(`nodetorch run: rank ${f.rank} ${f.code !== null ? `exited with code ${f.code}` : `was killed by ${f.signal}`}; stopping the other ranks\n`);
    stopAllThenKill();
  };
  const onSignal = (sig: NodeJS.Signals): void => {
    if (failure === null) failure = { rank: -1, code: exitCode(null, sig) };
    stopAll(sig);
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);

  for (let local = 0; local < c.nprocPerNode; local++) {
    const rank = c.nodeRank * c.nprocPerNode + local;
    const env = {
      ...process.env,
      RANK: String(rank), LOCAL_RANK: String(local), WORLD_SIZE: String(worldSize),
      LOCAL_WORLD_SIZE: String(c.nprocPerNode), GROUP_RANK: String(c.nodeRank),
      MASTER_ADDR: c.masterAddr, MASTER_PORT: String(port),
      NODETORCH_NUM_THREADS: threads, NODETORCH_LAUNCHER_PID: String(process.pid),
      ...(c.backend ? { NODETORCH_DIST_BACKEND: c.backend } : {}),
    };
    const ch = spawn(process.execPath, [...process.execArgv, '--import', PRELOAD, c.script, ...c.scriptArgs], {
      env, stdio: ['ignore', 'pipe', 'pipe'],
    });
    children.push(ch);
    outputs.push(prefixLines(ch.stdout!, process.stdout, rank), prefixLines(ch.stderr!, process.stderr, rank));
    ch.on('error', (e) => {
      process.stderr.write(`nodetorch run: cannot start rank ${rank}: ${e.message}\n`);
    });
    ch.on('exit', (code, signal) => {
      if (exitCode(code, signal) !== 0 && failure === null) {
        if (reaped.length === 0) setImmediate(settleFailure);
        reaped.push({ rank, code, signal });
      }
      if (--live === 0) {
        settleFailure();
        done();
      }
    });
  }
  await allExited;
  await Promise.all(outputs);
  if (killTimer) clearTimeout(killTimer);
  process.off('SIGINT', onSignal);
  process.off('SIGTERM', onSignal);
  const f = failure as { rank: number; code: number } | null;
  return f === null ? 0 : f.code;
}
