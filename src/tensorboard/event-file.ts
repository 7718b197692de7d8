/**
 * One tfevents file: TFRecord framing of serialized `Event` protobufs, as TensorFlow's and PyTorch's
 * event writers produce and TensorBoard reads.
 *
 * Record layout (tensorflow/core/lib/io/record_writer.cc): uint64 little-endian length, uint32
 * masked CRC-32C of those 8 bytes, the data, uint32 masked CRC-32C of the data.
 *
 * Events are queued and written in one `write` per flush (when `maxQueue` events are waiting, every
 * `flushSecs` seconds, on `flush()`/`close()` and at process exit), so a reader never sees half a
 * queue; a torn last record from a killed process fails its CRC, which TensorBoard skips.
 */
import { closeSync, mkdirSync, openSync, writeSync } from 'node:fs';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { maskedCrc32c } from '../util/crc32c.js';
import { ProtoWriter } from '../util/protobuf.js';

/** Event fields (tensorflow/core/util/event.proto). */
export const EVENT = { wallTime: 1, step: 2, fileVersion: 3, summary: 5, sessionLog: 6 } as const;

/** Frame one record. */
export function tfRecord(data: Uint8Array): Uint8Array {
  const out = new Uint8Array(data.length + 16);
  const dv = new DataView(out.buffer);
  dv.setBigUint64(0, BigInt(data.length), true);
  dv.setUint32(8, maskedCrc32c(out.subarray(0, 8)), true);
  out.set(data, 12);
  dv.setUint32(12 + data.length, maskedCrc32c(data), true);
  return out;
}

/** An Event with its wall time and optional step; `fill` adds the payload field. */
export function encodeEvent(wallTime: number, step: number | undefined, fill: (w: ProtoWriter) => void): Uint8Array {
  const w = new ProtoWriter().double(EVENT.wallTime, wallTime);
  if (step !== undefined) w.varint(EVENT.step, step);
  fill(w);
  return w.finish();
}

export interface EventFileOptions {
  maxQueue: number;
  flushSecs: number;
  filenameSuffix: string;
}

let fileCounter = 0;
const openFiles = new Set<EventFile>();
let exitHookInstalled = false;

function flushAllAtExit(): void {
  for (const f of openFiles) f.close();
}

/** An append-only tfevents file in `logDir`. */
export class EventFile {
  readonly path: string;
  private fd: number | null;
  private queue: Uint8Array[] = [];
  private timer: NodeJS.Timeout | null = null;

  constructor(readonly logDir: string, private readonly opts: EventFileOptions) {
    mkdirSync(logDir, { recursive: true });
    const secs = Math.floor(Date.now() / 1000).toString().padStart(10, '0');
    // PyTorch's name: events.out.tfevents.<10-digit time>.<host>.<pid>.<counter><suffix>
    this.path = join(logDir, `events.out.tfevents.${secs}.${hostname()}.${process.pid}.${fileCounter++}${opts.filenameSuffix}`);
    this.fd = openSync(this.path, 'wx');
    openFiles.add(this);
    if (!exitHookInstalled) {
      exitHookInstalled = true;
      process.on('exit', flushAllAtExit);
    }
    this.add(encodeEvent(Date.now() / 1000, undefined, (w) => w.string(EVENT.fileVersion, 'brain.Event:2')));
    this.flush();
  }

  get closed(): boolean {
    return this.fd === null;
  }

  /** Queue one serialized Event. */
  add(event: Uint8Array): void {
    if (this.fd === null) throw new Error(`SummaryWriter: ${this.path} is closed`);
    this.queue.push(tfRecord(event));
    if (this.queue.length >= this.opts.maxQueue) this.flush();
    else if (this.timer === null && this.opts.flushSecs > 0) {
      this.timer = setTimeout(() => this.flush(), this.opts.flushSecs * 1000);
      this.timer.unref();
    }
  }

  /** Write every queued event to disk. */
  flush(): void {
    if (this.timer !== null) {
      clearTimeout(this.timer);
      this.timer = null;
    }
    if (this.fd === null || this.queue.length === 0) return;
    const bytes = Buffer.concat(this.queue);
    this.queue = [];
    let off = 0;
    while (off < bytes.length) off += writeSync(this.fd, bytes, off, bytes.length - off);
  }

  /** Flush and close the file (idempotent). */
  close(): void {
    if (this.fd === null) return;
    this.flush();
    closeSync(this.fd);
    this.fd = null;
    openFiles.delete(this);
  }
}
