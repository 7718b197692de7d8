/**
 * Atomic file replacement: write a temp file in the target's directory, fsync it, rename it over the
 * target, fsync the directory. rename(2) within one filesystem is atomic, so a reader (or a process
 * restarted after a crash, SIGKILL or power loss) sees either the complete old file or the complete
 * new one, never a torn mix.
 *
 * Temp files are named `.<name>.<pid>.<random>.tmp`. A writer killed mid-write leaves its temp file
 * behind; the next successful write of the same target removes temp files whose process is gone, and
 * cleanStaleTemps(dir or path) removes them on demand.
 */
import { randomBytes } from 'node:crypto';
import {
  closeSync, fsyncSync, openSync, readdirSync, renameSync, statSync, unlinkSync, writeSync,
} from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';
import { describeValue } from '../util/describe.js';

/** Options of the atomic writers. */
export interface AtomicWriteOptions {
  /** fsync the file and its directory (default true). Turning it off keeps atomicity against process
   * crashes but not against power loss. */
  fsync?: boolean;
  /** File mode for a newly created file (default 0o666, minus the umask). */
  mode?: number;
}

function writeAll(fd: number, chunk: Uint8Array): void {
  let off = 0;
  while (off < chunk.length) {
    off += writeSync(fd, chunk, off, chunk.length - off);
  }
}

function processGone(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return false;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'ESRCH';
  }
}

/** A temp file of ours: `.<target name>.<writer pid>.<12 hex digits>.tmp`. */
const TEMP_NAME = /^\.(.+)\.(\d+)\.[0-9a-f]{12}\.tmp$/;

/**
 * Remove the temp files in `dir` (of target `name` only, when given) whose writer process is gone;
 * returns their paths. A live writer's temp file (this process's included) is left alone, so two
 * processes saving to one path never delete each other's work in progress.
 */
function removeStaleTemps(dir: string, name?: string): string[] {
  let files: string[];
  try {
    files = readdirSync(dir);
  } catch {
    return [];
  }
  const removed: string[] = [];
  for (const f of files) {
    const m = TEMP_NAME.exec(f);
    if (!m || (name !== undefined && m[1] !== name)) continue;
    const pid = Number(m[2]);
    if (pid === process.pid || !processGone(pid)) continue;
    try {
      unlinkSync(join(dir, f));
      removed.push(join(dir, f));
    } catch {
      // another writer may have removed it already
    }
  }
  return removed;
}

/**
 * Remove temp files left by saves that were interrupted (the process killed mid-write): given a
 * directory, all of them in it; given a file path, those of that file. Only temps whose writer process
 * no longer runs are removed. Returns the removed paths. (Every successful save already does this for
 * its own path; this is for a directory whose files are no longer saved to.)
 * @example io.cleanStaleTemps('runs/exp1'); // ['runs/exp1/.last.safetensors.4242.0a1b2c3d4e5f.tmp']
 */
export function cleanStaleTemps(path: string): string[] {
  if (typeof path !== 'string' || path.length === 0) throw new TypeError(`cleanStaleTemps: expected a directory or file path, got ${describeValue(path)}`);
  const target = resolve(path);
  let isDir = false;
  try {
    isDir = statSync(target).isDirectory();
  } catch {
    // a file path that does not exist (yet): its temps may still be there
  }
  return isDir ? removeStaleTemps(target) : removeStaleTemps(dirname(target), basename(target));
}

/**
 * Replace `path` with `data` (one buffer or chunks written in order) atomically. On any error the temp
 * file is removed, the previous file is untouched, and the error is rethrown.
 * @example writeFileAtomic('model.safetensors', [header, body]);
 */
export function writeFileAtomic(path: string, data: Uint8Array | readonly Uint8Array[], opts: AtomicWriteOptions = {}): void {
  if (typeof path !== 'string' || path.length === 0) throw new TypeError(`writeFileAtomic: expected a file path, got ${describeValue(path)}`);
  const doSync = opts.fsync ?? true;
  const target = resolve(path);
  const dir = dirname(target);
  const name = basename(target);
  const tmp = join(dir, `.${name}.${process.pid}.${randomBytes(6).toString('hex')}.tmp`);
  const chunks = data instanceof Uint8Array ? [data] : data;
  const fd = openSync(tmp, 'wx', opts.mode ?? 0o666);
  let renamed = false;
  try {
    try {
      for (const c of chunks) {
        if (!(c instanceof Uint8Array)) throw new TypeError(`writeFileAtomic: expected Uint8Array chunks, got ${describeValue(c)}`);
        writeAll(fd, c);
      }
      if (doSync) fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
    renameSync(tmp, target);
    renamed = true;
  } finally {
    if (!renamed) {
      try {
        unlinkSync(tmp);
      } catch {
        // already gone
      }
    }
  }
  if (doSync) {
    // Persist the rename itself. Not every platform can fsync a directory; the file is already safe.
    try {
      const dfd = openSync(dir, 'r');
      try {
        fsyncSync(dfd);
      } finally {
        closeSync(dfd);
      }
    } catch {
      // EISDIR/EPERM on some platforms
    }
  }
  removeStaleTemps(dir, name);
}
