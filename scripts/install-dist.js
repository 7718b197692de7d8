#!/usr/bin/env node
// Second, optional `npm install` step: build the engines of `distributed`, each its own gyp project:
//   Gloo     native/gloo/binding.gyp -> native/gloo/build/Release/nodetorch_gloo.node, when Gloo's headers
//            are installed (Debian/Ubuntu: libgloo-dev);
//   Open MPI native/mpi/binding.gyp  -> native/mpi/build/Release/nodetorch_mpi.node, when Open MPI's
//            compiler wrapper mpicc is on PATH (Debian/Ubuntu: libopenmpi-dev openmpi-bin).
// Whatever happens, install succeeds; a failed build prints one line. An engine whose library is simply
// absent is skipped quietly (it is optional, and initProcessGroup's error says what to install).
// NODETORCH_SKIP_DIST=1 skips both.
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';

if (process.env.NODETORCH_SKIP_DIST) process.exit(0);

/** Whether Open MPI's mpicc answers --showme (the flags native/mpi/binding.gyp reads). */
function haveMpi() {
  if (process.env.MPI_CFLAGS && process.env.MPI_LIBS) return true;
  const r = spawnSync('mpicc', ['--showme:compile'], { stdio: 'ignore' });
  return !r.error && r.status === 0;
}

const ENGINES = [
  {
    name: 'Gloo', dir: 'gloo', packages: 'g++ libgloo-dev',
    found: () => ['/usr/include', '/usr/local/include'].some((d) => existsSync(`${d}/gloo/allreduce.h`)),
  },
  { name: 'Open MPI', dir: 'mpi', packages: 'g++ libopenmpi-dev openmpi-bin', found: haveMpi },
];

/** node-gyp rebuild in native/<dir>/; null on success, else the first error line. */
function build(dir) {
  const gyp = process.env.npm_config_node_gyp;
  const cmd = gyp ? process.execPath : 'node-gyp';
  const args = gyp ? [gyp, 'rebuild'] : ['rebuild'];
  const r = spawnSync(cmd, args, { stdio: ['ignore', 'ignore', 'pipe'], cwd: dir });
  if (r.error) return r.error.message;
  if (r.status === 0) return null;
  return (String(r.stderr ?? '').split('\n').find((l) => /error/i.test(l)) ?? `node-gyp exited with ${r.status ?? r.signal}`).trim();
}

for (const e of ENGINES) {
  const dir = new URL(`../native/${e.dir}/`, import.meta.url);
  if (!existsSync(new URL('binding.gyp', dir)) || !e.found()) continue;
  const err = build(dir);
  if (err !== null) {
    console.warn(`nodetorch: distributed training (${e.name}) not built: ${err} (it needs a C++ compiler and ${e.name}, e.g. apt-get install ${e.packages}; then npm rebuild nodetorch)`);
  }
}
