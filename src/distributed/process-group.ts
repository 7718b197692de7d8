/**
 * The default process group (torch.distributed's init_process_group and friends): one per process.
 * Rendezvous: `env://` (RANK, WORLD_SIZE, MASTER_ADDR, MASTER_PORT, as set by `nodetorch run`),
 * `tcp://host:port` (rank 0 serves a small key-value store there) or `file:///path` (Gloo's FileStore on
 * a shared file system). With the MPI engine the processes come from mpirun (directly, or through
 * `nodetorch run --backend mpi`), which does the rendezvous: only `env://` applies.
 */
import { loadEngine, defaultBackend, type BackendName, type EngineAddon } from './engine.js';
import { describeValue } from '../util/describe.js';

/** Options of {@link initProcessGroup} (torch.distributed.init_process_group's keywords). */
export interface InitProcessGroupOptions {
  /**
   * 'gloo' or 'mpi'. Default: NODETORCH_DIST_BACKEND (set by `nodetorch run --backend`), else gloo when
   * its addon is built, else mpi.
   */
  backend?: BackendName;
  /** 'env://' (default), 'tcp://host:port' or 'file:///path' (gloo only: mpirun does the MPI rendezvous). */
  initMethod?: string;
  /**
   * This process's rank; default the RANK environment variable (mpi: OMPI_COMM_WORLD_RANK, PMI_RANK,
   * then RANK; MPI's own rank must agree).
   */
  rank?: number;
  /** Number of processes; default the WORLD_SIZE environment variable (mpi: OMPI_COMM_WORLD_SIZE, PMI_SIZE, then WORLD_SIZE). */
  worldSize?: number;
  /**
   * Rendezvous and per-collective timeout in milliseconds (default 30 minutes, as PyTorch). A rank that
   * stops answering makes the others' collectives fail with an error naming it after this long.
   */
  timeoutMs?: number;
}

interface State {
  addon: EngineAddon;
  rank: number;
  worldSize: number;
  backend: BackendName;
}

let state: State | null = null;
let generation = 0;

function envInt(op: string, name: string): number {
  const v = process.env[name];
  if (v === undefined || v === '') throw new Error(`${op}: environment variable ${name} expected, but not set`);
  const n = Number(v);
  if (!Number.isInteger(n) || n < 0) throw new RangeError(`${op}: environment variable ${name} must be a non-negative integer, got '${v}'`);
  return n;
}

function checkInt(op: string, name: string, v: unknown, min: number): number {
  if (typeof v !== 'number') throw new TypeError(`${op}: ${name} must be a number, got ${describeValue(v)}`);
  if (!Number.isInteger(v) || v < min) throw new RangeError(`${op}: ${name} must be an integer >= ${min}, got ${v}`);
  return v;
}

/** Where to rendezvous, from initMethod and the environment. */
function parseInitMethod(op: string, initMethod: string): { store: 'tcp' | 'file'; host: string; port: number; path: string } {
  if (initMethod === 'env://') {
    const host = process.env.MASTER_ADDR;
    if (!host) throw new Error(`${op}: environment variable MASTER_ADDR expected, but not set`);
    const port = envInt(op, 'MASTER_PORT');
    return { store: 'tcp', host, port, path: '' };
  }
  const tcp = /^tcp:\/\/\[?([^\]]*?)\]?:(\d+)$/.exec(initMethod);
  if (tcp) return { store: 'tcp', host: tcp[1], port: Number(tcp[2]), path: '' };
  if (initMethod.startsWith('file://') && initMethod.length > 'file://'.length) {
    return { store: 'file', host: '', port: 0, path: decodeURIComponent(initMethod.slice('file://'.length)) };
  }
  throw new RangeError(`${op}: initMethod must be 'env://', 'tcp://host:port' or 'file:///path', got '${initMethod}'`);
}

/**
 * Joins the default process group; returns when every rank has joined (or throws after `timeoutMs`,
 * naming the rank that never came).
 * @example
 * import { distributed } from 'nodetorch';
 * distributed.initProcessGroup({ backend: 'gloo' }); // under `nodetorch run --nproc-per-node 2 train.js`
 */
export function initProcessGroup(opts: InitProcessGroupOptions = {}): void {
  const op = 'initProcessGroup';
  if (opts === null || typeof opts !== 'object') throw new TypeError(`${op}: expected an options object, got ${describeValue(opts)}`);
  const { backend = defaultBackend(), initMethod = 'env://', timeoutMs = 30 * 60 * 1000 } = opts;
  if (state !== null) throw new Error(`${op}: trying to initialize the default process group twice!`);
  if (backend !== 'gloo' && backend !== 'mpi') throw new RangeError(`${op}: backend must be 'gloo' or 'mpi', got ${describeValue(backend)}`);
  if (typeof initMethod !== 'string') throw new TypeError(`${op}: initMethod must be a string, got ${describeValue(initMethod)}`);
  checkInt(op, 'timeoutMs', timeoutMs, 1);
  state = backend === 'mpi' ? initMpi(op, opts, initMethod, timeoutMs) : initGloo(op, opts, initMethod, timeoutMs);
}

/** The rank and world size from the options or the first of the given environment variables that is set. */
function rankAndSize(op: string, opts: InitProcessGroupOptions, rankVars: string[], sizeVars: string[]): { rank: number; worldSize: number } {
  const fromEnv = (vars: string[]): number => envInt(op, vars.find((v) => process.env[v] !== undefined && process.env[v] !== '') ?? vars[vars.length - 1]);
  const rank = checkInt(op, 'rank', opts.rank ?? fromEnv(rankVars), 0);
  const worldSize = checkInt(op, 'worldSize', opts.worldSize ?? fromEnv(sizeVars), 1);
  if (rank >= worldSize) throw new RangeError(`${op}: rank must be in [0, worldSize), got rank ${rank} with worldSize ${worldSize}`);
  return { rank, worldSize };
}

function initGloo(op: string, opts: InitProcessGroupOptions, initMethod: string, timeoutMs: number): State {
  const { rank, worldSize } = rankAndSize(op, opts, ['RANK'], ['WORLD_SIZE']);
  const where = parseInitMethod(op, initMethod);
  if (where.store === 'tcp' && (where.port < 1 || where.port > 65535)) throw new RangeError(`${op}: port must be in [1, 65535], got ${where.port}`);
  const addon = loadEngine(op, 'gloo');
  try {
    addon.init({
      rank, worldSize, timeoutMs, ...where,
      // Gloo's transport address: GLOO_SOCKET_IFNAME (as PyTorch), else this host's name as the other
      // ranks reach it; on one machine (MASTER_ADDR on loopback) 127.0.0.1 suffices.
      iface: process.env.GLOO_SOCKET_IFNAME ?? '',
      hostname: process.env.GLOO_SOCKET_IFNAME ? '' : localHostname(where.host),
      prefix: `nodetorch/${generation++}/`,
    });
  } catch (e) {
    throw new Error(`${op}: rank ${rank} of ${worldSize}: ${e instanceof Error ? e.message : String(e)}`);
  }
  return { addon, rank, worldSize, backend: 'gloo' };
}

const MPI_RANK_VARS = ['OMPI_COMM_WORLD_RANK', 'PMI_RANK', 'RANK'];
const MPI_SIZE_VARS = ['OMPI_COMM_WORLD_SIZE', 'PMI_SIZE', 'WORLD_SIZE'];
let mpiExitHook = false;

/**
 * MPI: mpirun started the processes and does the rendezvous inside MPI_Init. The rank and size the
 * environment (or the options) claim must be MPI's own; a multi-rank job outside mpirun is an error.
 */
function initMpi(op: string, opts: InitProcessGroupOptions, initMethod: string, timeoutMs: number): State {
  if (initMethod !== 'env://') throw new RangeError(`${op}: the mpi backend takes its processes and rendezvous from mpirun: initMethod must be 'env://', got '${initMethod}'`);
  const haveEnv = [...MPI_RANK_VARS, ...MPI_SIZE_VARS].some((v) => process.env[v] !== undefined);
  const expected = haveEnv || opts.rank !== undefined || opts.worldSize !== undefined ? rankAndSize(op, opts, MPI_RANK_VARS, MPI_SIZE_VARS) : { rank: 0, worldSize: 1 };
  const underMpirun = process.env.OMPI_COMM_WORLD_SIZE !== undefined || process.env.PMI_SIZE !== undefined || process.env.PMIX_RANK !== undefined;
  if (expected.worldSize > 1 && !underMpirun) {
    throw new Error(`${op}: the mpi backend needs its ${expected.worldSize} processes started by mpirun: use \`nodetorch run --backend mpi --nproc-per-node ${expected.worldSize} script.js\` or \`mpirun -np ${expected.worldSize} node script.js\``);
  }
  const addon = loadEngine(op, 'mpi');
  let got: { rank: number; worldSize: number };
  try {
    got = addon.init({ timeoutMs }) as { rank: number; worldSize: number };
  } catch (e) {
    throw new Error(`${op}: rank ${expected.rank} of ${expected.worldSize}: ${e instanceof Error ? e.message : String(e)}`);
  }
  // At exit: MPI_Finalize after a clean run (mpirun reports a failure otherwise), MPI_Abort after a
  // failed one (the other ranks may be blocked in a collective with this one).
  if (!mpiExitHook) {
    mpiExitHook = true;
    process.on('exit', (code) => addon.finalize?.(code));
  }
  if (got.rank !== expected.rank || got.worldSize !== expected.worldSize) {
    throw new RangeError(`${op}: MPI says this is rank ${got.rank} of ${got.worldSize}, but rank ${expected.rank} of ${expected.worldSize} was given`);
  }
  return { addon, rank: got.rank, worldSize: got.worldSize, backend: 'mpi' };
}

/** The name this rank's transport binds: loopback for a single-machine run, else NODETORCH_HOSTNAME or ''. */
function localHostname(masterHost: string): string {
  if (process.env.NODETORCH_HOSTNAME) return process.env.NODETORCH_HOSTNAME;
  if (masterHost === '' || masterHost === 'localhost' || masterHost.startsWith('127.')) return '127.0.0.1';
  throw new Error(
    'initProcessGroup: a multi-machine run needs the network interface or address of this rank: ' +
      'set GLOO_SOCKET_IFNAME (e.g. eth0) or NODETORCH_HOSTNAME (this host\'s address as the others reach it)',
  );
}

/** Whether the default process group is initialized. */
export function isInitialized(): boolean {
  return state !== null;
}

/** The group's state, or an Error naming the op. */
export function groupState(op: string): State {
  if (state === null) throw new Error(`${op}: Default process group has not been initialized, please make sure to call initProcessGroup.`);
  return state;
}

/** This process's rank in the default group. */
export function getRank(): number {
  return groupState('getRank').rank;
}

/** Number of processes in the default group. */
export function getWorldSize(): number {
  return groupState('getWorldSize').worldSize;
}

/** The default group's backend name. */
export function getBackend(): BackendName {
  return groupState('getBackend').backend;
}

/** Waits for queued collectives, then leaves the default group (initProcessGroup may be called again). */
export function destroyProcessGroup(): void {
  const s = groupState('destroyProcessGroup');
  s.addon.destroy();
  state = null;
}
