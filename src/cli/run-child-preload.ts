/**
 * Preloaded into every rank `nodetorch run` starts (node --import): when the launcher dies without
 * stopping its ranks (e.g. SIGKILL), the rank is re-parented and exits instead of waiting forever for
 * peers. Checks twice a second on an unref'd timer, so it never keeps a rank alive.
 */
const launcher = Number(process.env.NODETORCH_LAUNCHER_PID);
if (Number.isInteger(launcher) && launcher > 0 && process.ppid === launcher) {
  setInterval(() => {
    if (process.ppid !== launcher) {
      process.stderr.write(`rank ${process.env.RANK ?? '?'}: the launcher (pid ${launcher}) has exited; exiting\n`);
      process.exit(1);
    }
  }, 500).unref();
}
export {};
