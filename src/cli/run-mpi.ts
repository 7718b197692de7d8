/**
 * `nodetorch run --backend mpi`: the launcher hands the job to Open MPI's mpirun, which starts the
 * ranks and does the rendezvous (initProcessGroup reads OMPI_COMM_WORLD_RANK/SIZE). It runs
 *   mpirun -np N --oversubscribe --bind-to none --tag-output [--allow-run-as-root]
 *          [--mca pml ob1 --mca btl self,vader,tcp] [$NODETORCH_MPIRUN_ARGS] node --import <preload> script args
 * and keeps the launcher's contract: each output line prefixed with its rank (from --tag-output), the
 * first failing rank named (from mpirun's report) with the launcher's exit code, SIGINT/SIGTERM
 * forwarded to mpirun, ranks exiting when the launcher dies. mpirun itself stops every rank when one
 * fails. Multi-machine MPI jobs run mpirun (or srun) directly, with a hostfile.
 */
import { spawn } from 'node:child_process';
import { constants } from 'node:os';
import { createInterface } from 'node:readline';
import type { RunConfig } from './run.js';

/** mpirun's arguments for a single-machine job of `c`. */
export function mpirunArgs(c: RunConfig, preload: string, env: NodeJS.ProcessEnv = process.env): string[] {
  const args = ['-np', String(c.nprocPerNode), '--oversubscribe', '--bind-to', 'none', '--tag-output'];
  // Open MPI refuses root unless told; the user running the launcher as root has decided that already.
  if (process.getuid?.() === 0) args.push('--allow-run-as-root');
  // UCX, Open MPI's default, needs hardware or settings a plain machine lacks: the ob1 engine over shared
  // memory (vader) and TCP works everywhere. OMPI_MCA_pml / OMPI_MCA_btl in the environment win (e.g.
  // OMPI_MCA_btl=self,tcp to force TCP).
  if (env.OMPI_MCA_pml === undefined) args.push('--mca', 'pml', 'ob1');
  if (env.OMPI_MCA_btl === undefined) args.push('--mca', 'btl', 'self,vader,tcp', '--mca', 'btl_vader_single_copy_mechanism', 'none');
  if (env.NODETORCH_MPIRUN_ARGS) args.push(...env.NODETORCH_MPIRUN_ARGS.split(/\s+/).filter(Boolean));
  return [...args, process.execPath, ...process.execArgv, '--import', preload, c.script, ...c.scriptArgs];
}

const SIGNAL_NAMES: Record<number, string> = Object.fromEntries(Object.entries(constants.signals).map(([k, v]) => [v, k]));

/**
 * The first rank mpirun reports as failed, with the launcher's exit code and a sentence, from mpirun's
 * messages (Open MPI 4: "process rank R ... exited on signal S", "MPI_ABORT was invoked on rank R ...
 * errorcode E", "Process name: [[job,1],R] / Exit code: E"). Null if it names none.
 */
export function mpirunFailure(report: string): { rank: number; code: number; what: string } | null {
  const sig = /process rank (\d+) with PID \d+ on node \S+ exited on signal (\d+)/.exec(report);
  if (sig) {
    const s = Number(sig[2]);
    return { rank: Number(sig[1]), code: 128 + s, what: `was killed by ${SIGNAL_NAMES[s] ?? `signal ${s}`}` };
  }
  const abort = /MPI_ABORT was invoked on rank (\d+) in communicator \S+\s+with errorcode (\d+)/.exec(report);
  if (abort) return { rank: Number(abort[1]), code: Number(abort[2]) || 1, what: `exited with code ${abort[2]} (MPI_Abort)` };
  const exit = /Process name:\s*\[\[\d+,\d+\],(\d+)\]\s*Exit code:\s*(\d+)/.exec(report);
  if (exit) return { rank: Number(exit[1]), code: Number(exit[2]) || 1, what: `exited with code ${exit[2]}` };
  return null;
}

/** Runs the job under mpirun; resolves with the launcher's exit code. */
export async function runMpi(c: RunConfig, preload: string, threads: string): Promise<number> {
  const env = {
    ...process.env,
    NODETORCH_NUM_THREADS: threads, NODETORCH_LAUNCHER_PID: String(process.pid), NODETORCH_LAUNCHER_VIA: 'mpirun',
    NODETORCH_DIST_BACKEND: 'mpi',
  };
  const mpirun = process.env.NODETORCH_MPIRUN ?? 'mpirun';
  const child = spawn(mpirun, mpirunArgs(c, preload), { env, stdio: ['ignore', 'pipe', 'pipe'] });
  let report = ''; // mpirun's own lines (untagged), where it names a failed rank
  const tagged = /^\[\d+,(\d+)\]<(stdout|stderr)>:(.*)$/s;
  const relay = (from: NodeJS.ReadableStream): Promise<void> => {
    const rl = createInterface({ input: from, crlfDelay: Infinity });
    rl.on('line', (line) => {
      const m = tagged.exec(line);
      if (m) (m[2] === 'stdout' ? process.stdout : process.stderr).write(`[rank${m[1]}]: ${m[3]}\n`);
      else {
        report += `${line}\n`;
        process.stderr.write(`${line}\n`);
      }
    });
    return new Promise((resolve) => rl.on('close', resolve));
  };
  const outputs = [relay(child.stdout!), relay(child.stderr!)];
  const forward = (sig: NodeJS.Signals): void => {
    child.kill(sig);
  };
  process.on('SIGINT', forward);
  process.on('SIGTERM', forward);
  const status = await new Promise<{ code: number | null; signal: NodeJS.Signals | null; error?: Error }>((resolve) => {
    child.on('error', (error) => resolve({ code: 127, signal: null, error }));
    child.on('exit', (code, signal) => resolve({ code, signal }));
  });
  await Promise.all(outputs);
  process.off('SIGINT', forward);
  process.off('SIGTERM', forward);
  if (status.error) {
    process.stderr.write(`nodetorch run: cannot start ${mpirun} (${status.error.message}): --backend mpi needs Open MPI (apt-get install openmpi-bin libopenmpi-dev)\n`);
    return 127;
  }
  if (status.code === 0) return 0;
  const f = mpirunFailure(report);
  const code = f?.code ?? status.code ?? 128 + (status.signal ? (constants.signals[status.signal] ?? 1) : 1);
  process.stderr.write(f ? `nodetorch run: rank ${f.rank} ${f.what}; mpirun stopped the other ranks\n` : `nodetorch run: mpirun exited with code ${code}\n`);
  return code;
}
