import { nativeOrigin } from '../../src/backend/native.js';

/**
 * The native addon file the loader picks here (the prebuilt binary, the local build, or the file
 * NODETORCH_NATIVE_PATH names), so child processes and workers load the same addon as the test process;
 * '' when no addon loads (the native suites skip then).
 */
export function loadedAddonFile(): string {
  try {
    return nativeOrigin().file;
  } catch {
    return '';
  }
}
