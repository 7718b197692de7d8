/** Containers (torch.nn.modules.container): Sequential, ModuleList, ModuleDict. */
import type { Tensor } from '../tensor.js';
import { Module, type AnyModule } from './module.js';
import { reluFusion } from './fusion.js';
import { consumesPrivately, plainClassOf, producesPrivately, registerPrivacyRule } from './graph-internal.js';
import { markGraphInternal, markOwnsStorage, ownsStorage, releaseIfDead } from '../autograd/graph-internal.js';
import { Flatten } from './flatten.js';
import { describeValue } from '../util/describe.js';

function checkModule(cls: string, m: unknown, where: string): AnyModule {
  if (!(m instanceof Module)) throw new TypeError(`${cls}: expected a Module ${where}, got ${describeValue(m)}`);
  return m;
}

function normIndex(cls: string, idx: number, n: number): number {
  if (!Number.isInteger(idx)) throw new TypeError(`${cls}: expected an integer index, got ${idx}`);
  if (idx < -n || idx >= n) throw new RangeError(`${cls}: index ${idx} is out of range for ${n} modules`);
  return idx < 0 ? idx + n : idx;
}

/**
 * The list part shared by Sequential and ModuleList: children registered as '0', '1', ..., indexable
 * (`seq[0]`), with length, at, append and iteration over the modules.
 */
export abstract class ModuleSequence extends Module {
  [index: number]: AnyModule;

  /** The container's name in error messages (a prototype getter, so it registers nothing). */
  protected abstract get _kind(): string;

  get length(): number {
    return this._modules.size;
  }

  /** The module at position idx (negative counts from the end). */
  at(idx: number): AnyModule {
    const i = normIndex(this._kind, idx, this.length);
    return [...this._modules.values()][i]!;
  }

  /** Add a module at the end; returns this. */
  append(module: AnyModule): this {
    this.registerModule(String(this.length), checkModule(this._kind, module, 'to append'));
    return this;
  }

/** The modules in order (`for (const m of seq)`). */
  *[Symbol.iterator](): IterableIterator<AnyModule> {
    for (const m of this._modules.values()) if (m !== null) yield m;
  }
}

/**
 * Runs its modules in order, each on the previous one's output. Children are named '0', '1', ...
 * (or by the keys of a record passed alone), so `seq[0]` and `seq.at(-1)` work.
 *
 * Shape: whatever the chain maps.
 * @example new nn.Sequential(new nn.Conv1d(1, 32, 7), new nn.ReLU())
 */
export class Sequential extends ModuleSequence {
  constructor(...modules: AnyModule[] | [Record<string, AnyModule>]) {
    super();
    if (modules.length === 1 && !(modules[0] instanceof Module) && typeof modules[0] === 'object' && modules[0] !== null) {
      for (const [name, m] of Object.entries(modules[0])) this.registerModule(name, checkModule('Sequential', m, `for '${name}'`));
    } else {
      (modules as unknown[]).forEach((m, i) => this.registerModule(String(i), checkModule('Sequential', m, `at position ${i}`)));
    }
  }

  protected override get _kind(): string {
    return 'Sequential';
  }

  override forward(x: Tensor): Tensor {
    let y: unknown = x;
    let marked: unknown = null;
    let bridged: unknown = null;
    const mods = this._children();
    for (let i = 0; i < mods.length; i++) {
      // Conv1d / BatchNorm1d + ReLU run as one fused op (./fusion.ts): same values and gradients.
      const fused = reluFusion(mods[i], mods[i + 1]);
      if (fused !== null) {
        y = fused(y as Tensor);
        i++;
      } else {
        y = mods[i].forward(y);
      }
      // With gradients off, the result this loop marked last time (this step's input) is dead now; never
      // the container's own input, which the caller may hand to other consumers too.
      if (marked !== null) releaseIfDead(marked);
      marked = null;
      if (bridged !== null) releaseIfDead(bridged);
      bridged = null;
      // A library layer, a Flatten, a library layer (the image models' head): the Flatten result is a view
      // of the producer's output that only the consumer sees, and the output is seen only by the Flatten,
      // so both are graph-internal and the output's storage, which the view took from its op, is the op's
      // again (it goes back to the pool after the producer's backward, when every reader has run).
      if (i + 2 < mods.length && producesPrivately(mods[i]) && plainFlatten(mods[i + 1]) && consumesPrivately(mods[i + 2]) &&
        ownsStorage(y as Tensor)) {
        const base = y as Tensor;
        markGraphInternal(base);
        y = mods[i + 1].forward(base);
        markGraphInternal(y);
        markOwnsStorage(base);
        bridged = base;
        i++;
        continue;
      }
      // Between two library layers the result is seen only by the graph: its storage may be recycled
      // after backward (./graph-internal.ts).
      if (i + 1 < mods.length && producesPrivately(mods[i]) && consumesPrivately(mods[i + 1])) {
        markGraphInternal(y);
        marked = y;
      }
    }
    return y as Tensor;
  }

  /** @internal The children in order. */
  _children(): AnyModule[] {
    const mods: AnyModule[] = [];
    for (const m of this._modules.values()) if (m !== null) mods.push(m);
    return mods;
  }
}

/** An exact Flatten whose forward is the class's own (it keeps nothing and runs no user code). */
function plainFlatten(m: unknown): boolean {
  return plainClassOf(m) === Flatten;
}

registerPrivacyRule(Sequential, {
  consumes: (m) => {
    const first = (m as Sequential)._children()[0];
    return first !== undefined && consumesPrivately(first);
  },
  produces: (m) => {
    const mods = (m as Sequential)._children();
    return mods.length > 0 && producesPrivately(mods[mods.length - 1]);
  },
});

/**
 * Holds modules in a list, registered as '0', '1', ... It has no forward: iterate over it.
 * @example const blocks = new nn.ModuleList([new nn.Linear(4, 4), new nn.Linear(4, 4)])
 */
export class ModuleList extends ModuleSequence {
  constructor(modules: Iterable<AnyModule> = []) {
    super();
    this.extend(modules);
  }

  protected override get _kind(): string {
    return 'ModuleList';
  }

/** Append every module of an iterable (torch.nn.ModuleList.extend). */
  extend(modules: Iterable<AnyModule>): this {
    if (modules === null || modules === undefined || typeof (modules as { [Symbol.iterator]?: unknown })[Symbol.iterator] !== 'function') {
      throw new TypeError(`ModuleList: expected an iterable of modules, got ${describeValue(modules)}`);
    }
    for (const m of modules) this.append(m);
    return this;
  }

  /** Insert before position idx (idx may equal length or be negative). */
  insert(idx: number, module: AnyModule): this {
    checkModule('ModuleList', module, 'to insert');
    const n = this.length;
    if (!Number.isInteger(idx)) throw new TypeError(`ModuleList: expected an integer index, got ${idx}`);
    const at = Math.min(Math.max(idx < 0 ? idx + n : idx, 0), n);
    const list = [...this._modules.values()] as AnyModule[];
    list.splice(at, 0, module);
    for (let i = 0; i < list.length; i++) this.registerModule(String(i), list[i]);
    return this;
  }
}

/**
 * Holds modules by name, in insertion order. It has no forward.
 * @example const heads = new nn.ModuleDict({ cls: new nn.Linear(64, 2), reg: new nn.Linear(64, 1) })
 */
export class ModuleDict extends Module {
  constructor(modules: Record<string, AnyModule> | Iterable<[string, AnyModule]> = {}) {
    super();
    this.update(modules);
  }

  get length(): number {
    return this._modules.size;
  }

/** The module registered under `key` (`dict[key]` in PyTorch), or undefined. */
  get(key: string): AnyModule | undefined {
    return this._modules.get(key) ?? undefined;
  }

/** Register `module` under `key`, replacing any module there. */
  set(key: string, module: AnyModule): this {
    this.registerModule(key, checkModule('ModuleDict', module, `for '${key}'`));
    return this;
  }

/** Whether a module is registered under `key` (`key in dict`). */
  has(key: string): boolean {
    return this._modules.has(key);
  }

  /** Remove and return the module under key (PyTorch's pop). */
  delete(key: string): AnyModule | undefined {
    const m = this.get(key);
    if (this._modules.has(key)) {
      this._unregister(key);
      Reflect.deleteProperty(this, key);
    }
    return m;
  }

/** Register every (key, module) pair of an object, Map or iterable, in order. */
  update(modules: Record<string, AnyModule> | Iterable<[string, AnyModule]>): this {
    if (modules === null || typeof modules !== 'object') {
      throw new TypeError(`ModuleDict: expected an object or an iterable of [name, module] pairs, got ${describeValue(modules)}`);
    }
    const entries = Symbol.iterator in Object(modules) ? (modules as Iterable<[string, AnyModule]>) : Object.entries(modules);
    for (const pair of entries) {
      if (!Array.isArray(pair) || pair.length !== 2) throw new TypeError(`ModuleDict: expected [name, module] pairs, got ${describeValue(pair)}`);
      this.set(pair[0], pair[1]);
    }
    return this;
  }

/** The keys in insertion order. */
  keys(): string[] {
    return [...this._modules.keys()];
  }

/** The modules in insertion order. */
  values(): AnyModule[] {
    return [...this._modules.values()].filter((m): m is AnyModule => m !== null);
  }

/** The (key, module) pairs in insertion order. */
  entries(): [string, AnyModule][] {
    return [...this._modules.entries()].filter((e): e is [string, AnyModule] => e[1] !== null);
  }

/** The keys in insertion order (`for (const k of dict)`), as iterating a PyTorch ModuleDict. */
  *[Symbol.iterator](): IterableIterator<string> {
    yield* this._modules.keys();
  }
}
