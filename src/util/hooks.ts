/**
 * Hook registries with PyTorch's handles (`torch.utils.hooks.RemovableHandle`): hooks run in
 * registration order, and `handle.remove()` unregisters one (idempotent).
 */

let nextId = 0;

/** What a register*Hook call returns. */
export class RemovableHandle {
  /** Unique among all handles of the process. */
  readonly id: number;
  #registry: Map<number, unknown> | null;
  #onEmpty: (() => void) | null;

  /** @internal */
  constructor(registry: Map<number, unknown>, hook: unknown, onEmpty: (() => void) | null = null) {
    this.id = nextId++;
    this.#registry = registry;
    this.#onEmpty = onEmpty;
    registry.set(this.id, hook);
  }

  /** Unregister the hook. */
  remove(): void {
    const r = this.#registry;
    if (r === null) return;
    r.delete(this.id);
    this.#registry = null;
    if (r.size === 0) this.#onEmpty?.();
  }
}

/** Check that a hook is a function, with the op's name in the error. */
export function checkHook(op: string, hook: unknown): void {
  if (typeof hook !== 'function') throw new TypeError(`${op}: expected a function, got ${hook === null ? 'null' : typeof hook}`);
}
