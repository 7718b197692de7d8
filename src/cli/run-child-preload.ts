/**
 * Preloaded into every rank `nodetorch run` starts (node --import): when the launcher dies without
 * stopping its ranks (e.g. SIGKILL), the rank is re-parented and exits instead of waiting forever for
 * peers. Checks twice a second on an unref'd timer, so it never keeps a rank alive. Under
 * `--backend mpi` the rank's parent is mpirun (or its daemon), not the launcher: then it checks that
 * the launcher's pid still exists.
 */
const launcher = Number(process.env.NODETORCH_LAUNCHER_PID);
const viaMpirun = process.env.NODETORCH_LAUNCHER_VIA === 'mpirun';
const launcherGone = (): boolean => {
  if (!viaMpirun) return process.ppid !== launcher;
  try {
    process.kill(launcher, 0);
    return false;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'ESRCH';
  }
};
if (Number.isInteger(launcher) && launcher > 0 && (viaMpirun || process.ppid === launcher)) {
  setInterval(() => {
    if (launcherGone()) {
      process.stderr.write(`rank ${process.env.RANK ?? process.env.OMPI_COMM_WORLD_RANK ?? '?'}: the launcher (pid ${launcher}) has exited; exiting\n`);
      process.exit(1);
    }
  }, 500).unref();
}
export {};
