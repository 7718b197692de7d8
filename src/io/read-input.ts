/**
 * How the loaders (load, loadCheckpoint, loadPth, loadSafetensors) read their file: every error names
 * the operation and the file, including the system's (`load('/x.pth'): ENOENT: no such file ...`).
 */
import { readFileSync } from 'node:fs';
import { describeValue } from '../util/describe.js';

/** The bytes of `path`; `op` (e.g. `load('/x.pth')`) starts every error message. */
export function readInput(path: unknown, op: string): Uint8Array {
  if (typeof path !== 'string' || path.length === 0) throw new TypeError(`${op}: expected a file path, got ${describeValue(path)}`);
  try {
    return readFileSync(path);
  } catch (e) {
    const err = e as NodeJS.ErrnoException;
    const wrapped = new Error(`${op}: ${err.message}`, { cause: e });
    if (err.code !== undefined) (wrapped as NodeJS.ErrnoException).code = err.code;
    throw wrapped;
  }
}
