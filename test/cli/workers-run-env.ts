/**
 * A script for `nodetorch run` tests (no process group): prints its environment, several lines, and
 * then does what argv[2] says: 'ok' exits 0, 'fail' exits 3 on rank 1 after a moment, 'wait' prints
 * READY <pid> and waits for a signal (printing GOT <signal> on SIGTERM/SIGINT and exiting 0).
 */
const env = process.env;
console.log(`ENV ${JSON.stringify({ RANK: env.RANK, LOCAL_RANK: env.LOCAL_RANK, WORLD_SIZE: env.WORLD_SIZE, LOCAL_WORLD_SIZE: env.LOCAL_WORLD_SIZE, MASTER_ADDR: env.MASTER_ADDR, MASTER_PORT: env.MASTER_PORT, args: process.argv.slice(3) })}`);
process.stdout.write('line one\nline two\n');
console.error('to stderr');
const mode = process.argv[2];
if (mode === 'fail' && env.RANK === '1') setTimeout(() => process.exit(3), 300);
if (mode === 'fail' && env.RANK !== '1') setInterval(() => {}, 1000); // would run forever unless stopped
if (mode === 'wait') {
  for (const sig of ['SIGTERM', 'SIGINT'] as const) {
    process.on(sig, () => {
      console.log(`GOT ${sig}`);
      process.exit(0);
    });
  }
  console.log(`READY ${process.pid}`);
  setInterval(() => {}, 1000);
}
