/**
 * The optional native engines of `distributed`, each its own addon built by scripts/install-dist.js when
 * its library is installed: Gloo (native/gloo/build/Release/nodetorch_gloo.node) and Open MPI
 * (native/mpi/build/Release/nodetorch_mpi.node). Loaded on first use, never at import, so a machine
 * without them runs everything else. Both export the same functions (the queue of native/engine/op_queue.h).
 */
import { createRequire } from 'node:module';
import { existsSync } from 'node:fs';

/** The engines `initProcessGroup` knows. */
export type BackendName = 'gloo' | 'mpi';

/** The functions both engine addons export (native/gloo/gloo_addon.cc, native/mpi/mpi_addon.cc). */
export interface EngineAddon {
  /**
   * Joins the group. Gloo takes the rendezvous options below and returns nothing; MPI reads only
   * timeoutMs (mpirun did the rendezvous) and returns its rank, size and granted thread level.
   */
  init(o: {
    rank?: number; worldSize?: number; timeoutMs: number; store?: 'tcp' | 'file'; host?: string; port?: number;
    path?: string; hostname?: string; iface?: string; prefix?: string;
  }): void | { rank: number; worldSize: number; threadLevel: number };
  /**
   * kind: 0 allreduce, 1 broadcast, 2 allgather, 3 barrier, 4 reduce-scatter; arg: reduce op (0 sum,
   * 1 avg, 2 max, 3 min) or root; out: allgather's or reduce-scatter's output.
   */
  enqueue(kind: number, data?: Float32Array, arg?: number, out?: Float32Array): number;
  isCompleted(id: number): boolean;
  wait(id: number): void;
  destroy(): void;
  /** MPI only: at process exit, MPI_Finalize (exitCode 0) or MPI_Abort(exitCode). */
  finalize?(exitCode: number): void;
}

const ENGINES: Record<BackendName, { file: string; envPath: string; name: string; install: string }> = {
  gloo: { file: '../../native/gloo/build/Release/nodetorch_gloo.node', envPath: 'NODETORCH_GLOO_ADDON', name: 'Gloo', install: 'apt-get install libgloo-dev' },
  mpi: { file: '../../native/mpi/build/Release/nodetorch_mpi.node', envPath: 'NODETORCH_MPI_ADDON', name: 'Open MPI', install: 'apt-get install libopenmpi-dev openmpi-bin' },
};
/** NODETORCH_GLOO_ADDON / NODETORCH_MPI_ADDON point at another build of an addon (a path). */
const addonPath = (b: BackendName): string => process.env[ENGINES[b].envPath] ?? ENGINES[b].file;

const loaded: Partial<Record<BackendName, EngineAddon>> = {};

/** Whether the engine's addon file exists (it may still fail to load). */
export function engineBuilt(b: BackendName): boolean {
  const p = addonPath(b);
  return existsSync(p.startsWith('.') ? new URL(p, import.meta.url) : p);
}

/**
 * The backend initProcessGroup uses when none is given: NODETORCH_DIST_BACKEND; else mpi for a process
 * started by mpirun (OMPI_COMM_WORLD_SIZE or PMI_SIZE set, RANK not) when the MPI engine is built; else
 * gloo when built, else mpi when built, else gloo (whose error then says what to install).
 */
export function defaultBackend(): BackendName {
  const env = process.env.NODETORCH_DIST_BACKEND;
  if (env === 'gloo' || env === 'mpi') return env;
  const underMpirun = (process.env.OMPI_COMM_WORLD_SIZE ?? process.env.PMI_SIZE) !== undefined && process.env.RANK === undefined;
  if (underMpirun && engineBuilt('mpi')) return 'mpi';
  return !engineBuilt('gloo') && engineBuilt('mpi') ? 'mpi' : 'gloo';
}

/** The engine's addon, or an Error saying what to install and how to rebuild. */
export function loadEngine(op: string, b: BackendName): EngineAddon {
  const have = loaded[b];
  if (have !== undefined) return have;
  const e = ENGINES[b];
  try {
    const addon = createRequire(import.meta.url)(addonPath(b)) as EngineAddon;
    loaded[b] = addon;
    return addon;
  } catch (err) {
    const reason = err instanceof Error ? err.message.split('\n')[0] : String(err);
    throw new Error(
      `${op}: the ${e.name} backend is not available (${reason}). Install ${e.name} ` +
        `(Debian/Ubuntu: ${e.install}), then rebuild with \`npm rebuild nodetorch\` ` +
        '(in a nodetorch checkout: node scripts/install-dist.js).',
    );
  }
}
