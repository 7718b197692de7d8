#!/usr/bin/env node
// Second, optional `npm install` step: build the Gloo engine of `distributed`
// (native/gloo/binding.gyp -> native/gloo/build/Release/nodetorch_gloo.node) when Gloo's headers are
// installed (Debian/Ubuntu: libgloo-dev). Whatever happens, install succeeds; a failure prints one line.
// NODETORCH_SKIP_DIST=1 skips it.
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';

function skip(why) {
  console.warn(`nodetorch: distributed training (Gloo) not built: ${why}`);
  process.exit(0);
}

if (process.env.NODETORCH_SKIP_DIST) process.exit(0);
const dir = new URL('../native/gloo/', import.meta.url);
if (!existsSync(new URL('binding.gyp', dir))) process.exit(0);
const include = ['/usr/include', '/usr/local/include'].find((d) => existsSync(`${d}/gloo/allreduce.h`));
// Quiet when Gloo is simply absent: it is optional, and the error of initProcessGroup says what to do.
if (!include) process.exit(0);

const gyp = process.env.npm_config_node_gyp;
const cmd = gyp ? process.execPath : 'node-gyp';
const args = gyp ? [gyp, 'rebuild'] : ['rebuild'];
const r = spawnSync(cmd, args, { stdio: ['ignore', 'ignore', 'pipe'], cwd: dir });
if (r.error) skip(r.error.message);
if (r.status !== 0) {
  const last = String(r.stderr ?? '').split('\n').find((l) => /error/i.test(l)) ?? `node-gyp exited with ${r.status ?? r.signal}`;
  skip(`${last.trim()} (it needs a C++ compiler and Gloo, e.g. apt-get install g++ libgloo-dev; then npm rebuild nodetorch)`);
}
