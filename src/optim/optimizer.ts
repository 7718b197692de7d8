/**
 * Optimizer: the base class of every optimizer in `optim` (torch.optim.Optimizer): parameter groups with
 * per-group options, per-parameter state, zeroGrad, step(closure) and PyTorch-compatible state dicts.
 */
import { Tensor, shapeStr } from '../tensor.js';
import { enableGrad } from '../autograd/grad-mode.js';
import { describeValue } from '../util/describe.js';

/**
 * One parameter group: its Tensors and its options (the optimizer's defaults filled in for any option the
 * group did not set). Extra keys are allowed and kept, as in PyTorch (schedulers store `initialLr`,
 * `maxLr`, ... here).
 */
export type ParamGroup<O extends object = object> = O & {
  params: Tensor[];
  lr: number;
  [option: string]: unknown;
};

/** A parameter group as given to a constructor or to addParamGroup: `{ params, lr?, ...options }`. */
export type ParamGroupInput<O extends object = object> = Partial<O> & {
  params: Tensor | Iterable<Tensor>;
  [option: string]: unknown;
};

/** What an optimizer optimizes: an iterable of Tensors (e.g. `model.parameters()`) or of parameter groups. */
export type ParamsArg<O extends object = object> = Iterable<Tensor> | Iterable<ParamGroupInput<O>>;

/**
 * Per-parameter optimizer state, keyed with PyTorch's names (`momentum_buffer`, `exp_avg`, `step`, ...):
 * buffers are Float32Arrays of the parameter's size, counters are numbers.
 */
export type ParamState = Record<string, Float32Array | number | null>;

/** A value in a saved per-parameter state: buffers as Tensors, counters as numbers. */
export type StateValue = Tensor | number | null;

/**
 * An optimizer's state dict, in torch.optim's structure so that it maps one to one onto a PyTorch
 * `optimizer.state_dict()`:
 * ```
 * {
 *   state: { 0: { momentum_buffer: Tensor }, 1: { ... } },   // keyed by parameter index; only parameters with state
 *   param_groups: [ { lr: 0.1, momentum: 0.9, weight_decay: 0, ..., params: [0, 1] }, ... ],
 * }
 * ```
 * Parameters are numbered in order across the groups. Option names are PyTorch's snake_case
 * (`weight_decay`, `initial_lr`, ...); state entries use PyTorch's keys. Buffers are Tensors shaped like
 * their parameter; `step` is a plain number (PyTorch 1.13 keeps it as a 0-d tensor for Adam, AdamW and
 * Adagrad and converts a number back when loading, so both directions work).
 */
export interface OptimizerStateDict {
  state: Record<number, Record<string, StateValue>>;
  param_groups: Array<Record<string, unknown> & { params: number[] }>;
}

export interface ZeroGradOptions {
  /**
   * Set each `.grad` to null instead of filling it with zeros (default true, as in PyTorch 2; PyTorch
   * 1.13's default was false). A parameter whose grad is null is skipped by `step()`.
   */
  setToNone?: boolean;
}

/** `'weightDecay'` -> `'weight_decay'`. */
export function camelToSnake(key: string): string {
  return key.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`);
}

/** `'weight_decay'` -> `'weightDecay'`. */
export function snakeToCamel(key: string): string {
  return key.replace(/_([a-z0-9])/g, (_, c: string) => c.toUpperCase());
}

function at(where: string): string {
  return where ? ` in ${where}` : '';
}

/** @internal Throws unless option `key` is a number >= 0 (NaN is rejected too). `where` names the group. */
export function checkNonNegative(op: string, options: object, key: string, what: string, where: string): void {
  const v = (options as Record<string, unknown>)[key];
  if (v === undefined) return;
  if (typeof v !== 'number') throw new TypeError(`${op}: expected ${key} to be a number${at(where)}, got ${describeValue(v)}`);
  if (!(v >= 0)) throw new RangeError(`${op}: invalid ${what}${at(where)}: expected ${key} >= 0, got ${v}`);
}

/** @internal Throws unless option `key` is a boolean. */
export function checkBoolean(op: string, options: object, key: string, where: string): void {
  const v = (options as Record<string, unknown>)[key];
  if (v === undefined) return;
  if (typeof v !== 'boolean') throw new TypeError(`${op}: expected ${key} to be a boolean${at(where)}, got ${describeValue(v)}`);
}

/** @internal Throws unless option `key` is a number. */
export function checkNumber(op: string, options: object, key: string, where: string): void {
  const v = (options as Record<string, unknown>)[key];
  if (v === undefined) return;
  if (typeof v !== 'number') throw new TypeError(`${op}: expected ${key} to be a number${at(where)}, got ${describeValue(v)}`);
}

function spellingHint(key: string, known: object): string {
  const camel = snakeToCamel(key);
  return camel !== key && camel in known ? `; nodetorch spells it '${camel}'` : '';
}

function cloneOption(v: unknown): unknown {
  return Array.isArray(v) ? v.map(cloneOption) : v;
}

/**
 * A step wrote the parameters with a gradient in place (`param.data`, through the update kernels):
 * bump their version counters `writes` times, as PyTorch's in-place updates do. O(params), not O(elements).
 */
function markStepped(params: readonly Tensor[], writes: number): void {
  for (const p of params) {
    if (p.grad === null) continue;
    for (let k = 0; k < writes; k++) p._bumpVersion();
  }
}

function isIterable(v: unknown): v is Iterable<unknown> {
  return v !== null && v !== undefined && typeof (v as { [Symbol.iterator]?: unknown })[Symbol.iterator] === 'function';
}

/**
 * Base class of all optimizers. Subclasses pass their name and complete defaults to the constructor and
 * implement `checkOptions` (argument errors) and `updateGroup` (one step over one group).
 *
 * Parameters are updated in place through `param.data` (no autograd history); gradients are read from
 * `param.grad.data`; a parameter whose `grad` is null is skipped. Options are camelCase here
 * (`weightDecay`) and snake_case in state dicts (`weight_decay`), as in PyTorch.
 *
 * @example
 * ```ts
 * const opt = new optim.SGD([
 *   { params: backbone.parameters() },
 *   { params: head.parameters(), lr: 1e-2 },
 * ], { lr: 1e-3, momentum: 0.9 });
 * for (const [x, y] of loader) {
 *   opt.zeroGrad();
 *   lossFn.forward(model.forward(x), y).backward();
 *   opt.step();
 * }
 * const saved = opt.stateDict();   // later: opt.loadStateDict(saved)
 * ```
 */
export abstract class Optimizer<O extends object = object> {
  /** The options every parameter group starts from (the constructor's options over the class defaults). */
  readonly defaults: Readonly<Partial<O>>;
  /** The parameter groups; schedulers and users may change option values (e.g. `lr`) between steps. */
  readonly paramGroups: ParamGroup<O>[] = [];
  /** Per-parameter state (momentum buffers, moment estimates, step counters), keyed by parameter. */
  readonly state = new Map<Tensor, ParamState>();
  /** The optimizer's name for messages ('SGD', 'Adam', ...). */
  protected readonly name: string;

  /**
   * @param name the optimizer's name, used in error messages
   * @param params Tensors, or parameter groups `{ params, ...options }`
   * @param classDefaults every option the optimizer knows, with its default (`undefined` for a required one)
   * @param options the caller's options; an unknown key is a TypeError
   */
  protected constructor(name: string, params: ParamsArg<O>, classDefaults: Partial<O>, options: Partial<O>) {
    this.name = name;
    if (options === null || typeof options !== 'object' || Array.isArray(options)) {
      throw new TypeError(`${name}: expected options to be an object, got ${describeValue(options)}`);
    }
    const defaults: Record<string, unknown> = { ...classDefaults };
    for (const [key, value] of Object.entries(options)) {
      if (!(key in classDefaults)) throw new TypeError(`${name}: unknown option '${key}'${spellingHint(key, classDefaults)}`);
      if (value !== undefined) defaults[key] = cloneOption(value);
    }
    this.checkOptions(defaults as Partial<O>, '');
    this.defaults = Object.freeze(defaults) as Readonly<Partial<O>>;

    if (params instanceof Tensor) {
      throw new TypeError(`${name}: params argument given to the optimizer should be an iterable of Tensors or parameter groups, but got a Tensor`);
    }
    if (!isIterable(params)) {
      throw new TypeError(`${name}: params argument given to the optimizer should be an iterable of Tensors or parameter groups, but got ${describeValue(params)}`);
    }
    const list = Array.from(params as Iterable<unknown>);
    if (list.length === 0) throw new RangeError(`${name}: optimizer got an empty parameter list`);
    const groups = list[0] instanceof Tensor ? [{ params: list }] : list;
    for (const g of groups) this.addParamGroup(g as ParamGroupInput<O>);
  }

  /**
   * Add a parameter group (e.g. layers unfrozen during fine-tuning). Options it does not set come from
   * the optimizer's defaults. Throws if a parameter is already in another group.
   */
  addParamGroup(group: ParamGroupInput<O>): void {
    const where = `parameter group ${this.paramGroups.length}`;
    if (group === null || typeof group !== 'object' || group instanceof Tensor || Array.isArray(group)) {
      throw new TypeError(`${this.name}: a parameter group must be an object { params, ...options }, got ${describeValue(group)}`);
    }
    const raw = group.params as unknown;
    let params: unknown[];
    if (raw instanceof Tensor) params = [raw];
    else if (isIterable(raw) && typeof raw !== 'string') params = Array.from(raw);
    else throw new TypeError(`${this.name}: ${where}: expected params to be a Tensor or an iterable of Tensors, got ${describeValue(raw)}`);
    for (const p of params) {
      if (!(p instanceof Tensor)) {
        throw new TypeError(`${this.name}: optimizer can only optimize Tensors, but one of the params is ${describeValue(p)}`);
      }
      if (p.dtype !== 'float32') throw new TypeError(`${this.name}: optimizer can only optimize float32 Tensors, got ${p.dtype}`);
      if (!p.isLeaf) throw new RangeError(`${this.name}: can't optimize a non-leaf Tensor`);
      // The update kernels write param.data in place, which for a strided view is a copy.
      if (!p.isContiguous()) throw new RangeError(`${this.name}: can't optimize a non-contiguous view (a parameter's elements must lie row-major in its storage): pass x.contiguous() or the tensor it views`);
    }
    const tensors = params as Tensor[];
    if (new Set(tensors).size !== tensors.length) {
      process.emitWarning(`${this.name}: optimizer contains a parameter group with duplicate parameters; they are updated once per occurrence`);
    }

    const resolved: Record<string, unknown> = {};
    for (const [key, value] of Object.entries(group)) {
      if (key === 'params') continue;
      const camel = snakeToCamel(key);
      if (camel !== key && camel in this.defaults) {
        throw new TypeError(`${this.name}: ${where}: unknown option '${key}'; nodetorch spells it '${camel}'`);
      }
      resolved[key] = cloneOption(value);
    }
    for (const [key, value] of Object.entries(this.defaults)) {
      if (resolved[key] === undefined) {
        if (value === undefined) {
          throw new RangeError(`${this.name}: ${where} didn't specify a value of required optimization parameter ${key}`);
        }
        resolved[key] = cloneOption(value);
      }
    }
    this.checkOptions(resolved as Partial<O>, where);

    for (const g of this.paramGroups) {
      for (const p of g.params) {
        if (tensors.includes(p)) throw new RangeError(`${this.name}: some parameters appear in more than one parameter group`);
      }
    }
    const added = { ...resolved, params: tensors } as unknown as ParamGroup<O>;
    this.paramGroups.push(added);
    this.onGroupAdded(added);
  }

  /**
   * Reset the gradients of all optimized parameters: to null (default) or, with `{ setToNone: false }`,
   * to zeros in place (detached from any graph).
   */
  zeroGrad(opts: ZeroGradOptions = {}): void {
    const setToNone = opts.setToNone ?? true;
    for (const group of this.paramGroups) {
      for (const p of group.params) {
        if (p.grad === null) continue;
        if (setToNone) {
          p.grad = null;
        } else {
          const g = p.grad;
          g.gradFn = null;
          g.requiresGrad = false;
          g._fill(0); // bumps g's version, as PyTorch's grad.zero_()
        }
      }
    }
  }

  /**
   * Perform one optimization step over every parameter group. If `closure` is given it is called first
   * (with autograd recording on) and its return value, usually the loss, is returned. The closure must
   * be synchronous.
   */
  step<L = undefined>(closure?: () => L): L | undefined {
    let loss: L | undefined;
    if (closure !== undefined) {
      if (typeof closure !== 'function') throw new TypeError(`${this.name}.step: expected closure to be a function, got ${describeValue(closure)}`);
      loss = enableGrad(closure);
    }
    this.paramGroups.forEach((group, i) => {
      this.updateGroup(group, i);
      markStepped(group.params, this.paramWritesPerStep());
    });
    return loss;
  }

  /**
   * How many in-place writes PyTorch 1.13's step makes to each parameter with a gradient (1: `param.add_`;
   * AdamW also `param.mul_`s first): the version counter goes up by this much, so the
   * "modified by an inplace operation" error and its version numbers match PyTorch's.
   */
  protected paramWritesPerStep(): number {
    return 1;
  }

  /**
   * The optimizer's state as a {@link OptimizerStateDict} (PyTorch's structure and names). It is a
   * snapshot: buffers are copied, so later steps do not change it (PyTorch returns references).
   */
  stateDict(): OptimizerStateDict {
    const index = new Map<Tensor, number>();
    let start = 0;
    const paramGroups = this.paramGroups.map((group) => {
      const packed: Record<string, unknown> = {};
      for (const [key, value] of Object.entries(group)) {
        if (key !== 'params') packed[camelToSnake(key)] = cloneOption(value);
      }
      group.params.forEach((p, i) => {
        if (!index.has(p)) index.set(p, start + i);
      });
      packed.params = group.params.map((p) => index.get(p)!);
      start += group.params.length;
      return packed as Record<string, unknown> & { params: number[] };
    });
    const state: Record<number, Record<string, StateValue>> = {};
    for (const [p, entry] of this.state) {
      const i = index.get(p);
      if (i === undefined) continue;
      const out: Record<string, StateValue> = {};
      for (const [key, value] of Object.entries(entry)) {
        out[key] = value instanceof Float32Array ? new Tensor(value.slice(), p.shape) : value;
      }
      state[i] = out;
    }
    return { state, param_groups: paramGroups };
  }

  /**
   * Restore state saved by {@link stateDict} (or converted from a PyTorch `optimizer.state_dict()`). The
   * optimizer must have the same number of groups with the same number of parameters; group options are
   * replaced by the saved ones, and state is copied. Nothing changes if the dict is invalid.
   */
  loadStateDict(stateDict: OptimizerStateDict): void {
    const op = `${this.name}.loadStateDict`;
    if (stateDict === null || typeof stateDict !== 'object') {
      throw new TypeError(`${op}: expected a state dict { state, param_groups }, got ${describeValue(stateDict)}`);
    }
    const savedGroups = stateDict.param_groups as unknown;
    const savedState = stateDict.state as unknown;
    if (!Array.isArray(savedGroups)) throw new TypeError(`${op}: expected param_groups to be an array, got ${describeValue(savedGroups)}`);
    if (savedState === null || typeof savedState !== 'object' || Array.isArray(savedState)) {
      throw new TypeError(`${op}: expected state to be an object keyed by parameter index, got ${describeValue(savedState)}`);
    }
    if (savedGroups.length !== this.paramGroups.length) {
      throw new RangeError(`${op}: loaded state dict has a different number of parameter groups (optimizer has ${this.paramGroups.length}, state dict has ${savedGroups.length})`);
    }
    const idMap = new Map<number, Tensor>();
    savedGroups.forEach((saved: unknown, gi: number) => {
      const ours = this.paramGroups[gi];
      if (saved === null || typeof saved !== 'object' || !Array.isArray((saved as { params?: unknown }).params)) {
        throw new TypeError(`${op}: expected param_groups[${gi}] to be an object with a params array, got ${describeValue(saved)}`);
      }
      const ids = (saved as { params: unknown[] }).params;
      if (ids.length !== ours.params.length) {
        throw new RangeError(`${op}: loaded state dict contains a parameter group that doesn't match the size of optimizer's group (group ${gi}: optimizer has ${ours.params.length} parameters, state dict has ${ids.length})`);
      }
      ids.forEach((id, k) => {
        if (typeof id !== 'number' || !Number.isInteger(id)) {
          throw new TypeError(`${op}: expected param_groups[${gi}].params to hold integer indices, got ${describeValue(id)}`);
        }
        idMap.set(id, ours.params[k]);
      });
    });

    const newGroups = savedGroups.map((saved: Record<string, unknown>, gi: number) => {
      const g: Record<string, unknown> = {};
      for (const [key, value] of Object.entries(this.defaults)) g[key] = cloneOption(value);
      for (const [key, value] of Object.entries(saved)) {
        if (key !== 'params') g[snakeToCamel(key)] = cloneOption(value);
      }
      for (const [key, value] of Object.entries(this.defaults)) {
        if (value === undefined && g[key] === undefined) {
          throw new RangeError(`${op}: loaded parameter group ${gi} didn't specify a value of required optimization parameter ${camelToSnake(key)}`);
        }
      }
      this.checkOptions(g as Partial<O>, `loaded parameter group ${gi}`);
      g.params = this.paramGroups[gi].params;
      return g as ParamGroup<O>;
    });
    const groupOf = new Map<Tensor, ParamGroup<O>>();
    newGroups.forEach((g) => g.params.forEach((p) => groupOf.set(p, g)));

    const newState = new Map<Tensor, ParamState>();
    for (const [key, entry] of Object.entries(savedState as Record<string, unknown>)) {
      const p = idMap.get(Number(key));
      if (p === undefined) throw new RangeError(`${op}: loaded state dict has state for parameter ${key}, which is in no parameter group`);
      if (entry === null || typeof entry !== 'object' || Array.isArray(entry) || entry instanceof Tensor) {
        throw new TypeError(`${op}: expected state[${key}] to be an object, got ${describeValue(entry)}`);
      }
      const st: ParamState = {};
      for (const [name, value] of Object.entries(entry as Record<string, unknown>)) {
        st[name] = this.loadStateValue(op, `state[${key}].${name}`, name, value, p);
      }
      if (Object.keys(st).length > 0) this.checkState(st, groupOf.get(p)!, `${op}: state[${key}]`);
      newState.set(p, st);
    }

    newGroups.forEach((g, i) => {
      this.paramGroups[i] = g;
    });
    this.state.clear();
    for (const [p, st] of newState) this.state.set(p, st);
  }

  /** PyTorch-like summary: the class name and each group's options. */
  toString(): string {
    let s = `${this.name} (`;
    this.paramGroups.forEach((g, i) => {
      s += `\nParameter Group ${i}`;
      for (const key of Object.keys(g).filter((k) => k !== 'params').sort()) {
        s += `\n    ${key}: ${JSON.stringify(g[key])}`;
      }
    });
    return `${s}\n)`;
  }

  /** Check option values (PyTorch's argument errors). `where` is '' for the constructor's defaults. */
  protected abstract checkOptions(options: Partial<O>, where: string): void;

  /** One optimization step over one group. */
  protected abstract updateGroup(group: ParamGroup<O>, groupIndex: number): void;

  /** Names of state entries that are counters (numbers), not buffers. */
  protected scalarStateKeys(): readonly string[] {
    return ['step'];
  }

  /** The state entries a non-empty loaded state must have for `group` (buffers and counters). */
  protected requiredState(_group: ParamGroup<O>): readonly string[] {
    return [];
  }

  /** Called after a group was added (Adagrad initialises its state here). */
  protected onGroupAdded(_group: ParamGroup<O>): void {}

  /** The state entry of `p`, created empty if missing. */
  protected stateOf(p: Tensor): ParamState {
    let st = this.state.get(p);
    if (st === undefined) {
      st = {};
      this.state.set(p, st);
    }
    return st;
  }

  /** A Float32Array buffer of `p`'s state, created with `fill` if missing. */
  protected bufferOf(st: ParamState, key: string, n: number, fill = 0): Float32Array {
    const b = st[key];
    if (b instanceof Float32Array) return b;
    const created = new Float32Array(n);
    if (fill !== 0) created.fill(fill);
    st[key] = created;
    return created;
  }

  /**
   * The gradient of `p` as a Float32Array, or null when `p.grad` is null. Checks its dtype and size; a
   * gradient sharing memory with the parameter is copied, so kernels never see aliased arguments.
   */
  protected gradOf(p: Tensor, groupIndex: number): Float32Array | null {
    const grad = p.grad;
    if (grad === null) return null;
    if (!(grad instanceof Tensor) || !(grad.data instanceof Float32Array)) {
      throw new TypeError(`${this.name}.step: expected the grad of a parameter in group ${groupIndex} to be a float32 Tensor, got ${describeValue(grad)}`);
    }
    if (grad.data.length !== p.data.length) {
      throw new RangeError(`${this.name}.step: a parameter in group ${groupIndex} has shape ${shapeStr(p.shape)} but its grad has shape ${shapeStr(grad.shape)}`);
    }
    const g = grad.data;
    const pd = p.data as Float32Array;
    if (g.buffer === pd.buffer && g.byteOffset < pd.byteOffset + pd.byteLength && pd.byteOffset < g.byteOffset + g.byteLength) {
      return g.slice();
    }
    return g;
  }

  private loadStateValue(op: string, label: string, name: string, value: unknown, p: Tensor): Float32Array | number | null {
    if (value === null) return null;
    if (this.scalarStateKeys().includes(name)) {
      if (typeof value === 'number') return value;
      if (value instanceof Tensor && value.numel() === 1) return Number(value.data[0]);
      throw new TypeError(`${op}: expected ${label} to be a number or a one-element Tensor, got ${describeValue(value)}`);
    }
    let data: ArrayLike<number>;
    if (value instanceof Tensor) data = value.data;
    else if (value instanceof Float32Array || value instanceof Float64Array || Array.isArray(value)) data = value as ArrayLike<number>;
    else if (typeof value === 'number') return value;
    else throw new TypeError(`${op}: expected ${label} to be a Tensor, got ${describeValue(value)}`);
    if (data.length !== p.data.length) {
      throw new RangeError(`${op}: ${label} has ${data.length} elements but its parameter has shape ${shapeStr(p.shape)} (${p.data.length} elements)`);
    }
    return Float32Array.from(data);
  }

  private checkState(st: ParamState, group: ParamGroup<O>, where: string): void {
    const scalars = this.scalarStateKeys();
    for (const key of this.requiredState(group)) {
      const v = st[key];
      const ok = scalars.includes(key) ? typeof v === 'number' : v instanceof Float32Array;
      if (!ok) throw new RangeError(`${where} lacks '${key}', which this optimizer's settings need`);
    }
  }
}
