/**
 * Runs `mpirun [args...] node --import tsx <worker> [worker args]` (the way an MPI user starts a job,
 * without the launcher): argv is mpirun's options, then a worker file name in this directory, then its
 * arguments. Exits with mpirun's code.
 */
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const args = process.argv.slice(2);
const at = args.findIndex((a) => a.endsWith('.ts'));
const script = fileURLToPath(new URL(`./${args[at]}`, import.meta.url));
const r = spawnSync('mpirun', ['--oversubscribe', '--bind-to', 'none', ...args.slice(0, at), process.execPath, '--import', 'tsx', script, ...args.slice(at + 1)], { stdio: 'inherit' });
process.exit(r.status ?? 1);
