/**
 * The handle of an asynchronous collective (torch.distributed's Work). The operation runs on the
 * engine's comm thread; the JS thread is free until it calls `wait()`, which blocks natively.
 */
import type { EngineAddon } from './engine.js';

/** Keeps the tensors of collectives in flight reachable, so their storage lives until the op is done. */
const inFlight = new Set<Work>();

/** The handle of an asynchronous collective (torch.distributed's Work): `wait()` blocks until it completes. */
export class Work {
  private done = false;
  private readonly onDone: (() => void) | undefined;

  /** @internal */
  constructor(
    /** The collective's name, the first word of its errors. */
    private readonly op: string,
    private readonly addon: EngineAddon,
    private readonly id: number,
    private readonly keepAlive: readonly unknown[],
    onDone?: () => void,
  ) {
    this.onDone = onDone;
    inFlight.add(this);
  }

  /** Whether the collective has finished (successfully or not); never blocks. */
  isCompleted(): boolean {
    return this.done || this.addon.isCompleted(this.id);
  }

  /** Blocks until the collective finished; throws its error (e.g. a rank that died). Returns true. */
  wait(): boolean {
    if (this.done) return true;
    this.done = true;
    inFlight.delete(this);
    try {
      this.addon.wait(this.id);
    } catch (e) {
      throw new Error(`${this.op}: ${e instanceof Error ? e.message : String(e)}`);
    }
    this.onDone?.();
    return true;
  }

  /** A Promise that settles when the collective finished, without blocking the event loop. */
  async getFuture(): Promise<void> {
    while (!this.isCompleted()) await new Promise((r) => setTimeout(r, 1));
    this.wait();
  }

  /** The tensors this work writes into (kept alive until it completes). */
  get tensors(): readonly unknown[] {
    return this.keepAlive;
  }
}
