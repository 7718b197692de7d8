/** Runs scripts under `nodetorch run` (src, through tsx) and reads what the ranks printed. */
import { spawn, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { existsSync } from 'node:fs';

export const ROOT = fileURLToPath(new URL('../../', import.meta.url));
export const worker = (name: string): string => fileURLToPath(new URL(`./workers/${name}`, import.meta.url));

/** Whether the Gloo addon is built here (CI installs libgloo-dev; elsewhere these tests are skipped). */
export const HAVE_GLOO = existsSync(new URL('../../native/gloo/build/Release/nodetorch_gloo.node', import.meta.url));
/**
 * Whether this run takes the multi-process Gloo tests: they need the addon, and since collectives, the
 * launcher and DDP's bucketing do not depend on the kernel backend they run in the native (or default)
 * pass only, not again under NODETORCH_BACKEND=wasm and ref (each pass would spend minutes starting ranks).
 */
export const RUN_GLOO = HAVE_GLOO && (process.env.NODETORCH_BACKEND ?? 'native') === 'native';

/** Whether the Open MPI addon is built here (CI installs libopenmpi-dev openmpi-bin). */
export const HAVE_MPI = existsSync(new URL('../../native/mpi/build/Release/nodetorch_mpi.node', import.meta.url));
/** Whether this run takes the multi-process MPI tests (the native pass only, as RUN_GLOO). */
export const RUN_MPI = HAVE_MPI && (process.env.NODETORCH_BACKEND ?? 'native') === 'native';

/** The engines, each with whether its multi-process tests run here: for describe.each. */
export const ENGINES = [
  { engine: 'gloo' as const, skip: !RUN_GLOO },
  { engine: 'mpi' as const, skip: !RUN_MPI },
];
/**
 * `nodetorch run` options that select an engine (gloo: the launcher's own processes; mpi: mpirun's).
 * Open MPI refuses to run as root without these two variables, which the launcher honours too.
 */
export const engineArgs = (engine: 'gloo' | 'mpi'): string[] => ['--backend', engine];
export const MPI_ROOT_ENV = { OMPI_ALLOW_RUN_AS_ROOT: '1', OMPI_ALLOW_RUN_AS_ROOT_CONFIRM: '1' };

export interface Run {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

/** Spawns `node --import tsx <args>` in the repo; kills it after hardLimitMs so a hang fails the test. */
export function spawnNode(args: string[], opts: { env?: NodeJS.ProcessEnv; hardLimitMs?: number; onSpawn?: (c: ChildProcess) => void } = {}): Promise<Run> {
  return new Promise((resolve) => {
    const c = spawn(process.execPath, ['--import', 'tsx', ...args], { cwd: ROOT, env: { ...MPI_ROOT_ENV, ...process.env, ...opts.env }, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    c.stdout.on('data', (d) => (stdout += d));
    c.stderr.on('data', (d) => (stderr += d));
    const timer = setTimeout(() => c.kill('SIGKILL'), opts.hardLimitMs ?? 90_000);
    c.on('close', (code, signal) => {
      clearTimeout(timer);
      resolve({ code, signal, stdout, stderr });
    });
    opts.onSpawn?.(c);
  });
}

/** `nodetorch run <launcherArgs> <script> <scriptArgs>`. */
export function launch(launcherArgs: string[], script: string, scriptArgs: string[] = [], opts: Parameters<typeof spawnNode>[1] = {}): Promise<Run> {
  return spawnNode(['src/cli/main.ts', 'run', ...launcherArgs, script, ...scriptArgs], opts);
}

/** The `RESULT {...}` objects the ranks printed, by rank. */
export function results(out: string): Record<number, Record<string, unknown>> {
  const r: Record<number, Record<string, unknown>> = {};
  for (const m of out.matchAll(/^\[rank(\d+)\]: RESULT (.*)$/gm)) r[Number(m[1])] = JSON.parse(m[2]);
  return r;
}
