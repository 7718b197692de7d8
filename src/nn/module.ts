/**
 * Module: the base class of every layer and model, shaped like torch.nn.Module.
 *
 * A module owns parameters, buffers and child modules, each registered under a name in registration
 * order (which fixes the order of `parameters()` and the keys of `stateDict()`, exactly as in
 * PyTorch). Registration is explicit (`registerParameter`, `registerBuffer`, `registerModule`) or
 * automatic: assigning a Parameter or a Module to a field of a module (`this.fc = new nn.Linear(2, 3)`)
 * registers it under the field's name, and assigning a Tensor (or null) to a registered buffer name
 * replaces the buffer.
 */
import { Tensor } from '../tensor.js';
import { loadStateDictInto, type LoadStateDictResult, type StateDict } from '../io/state-dict.js';
import { Parameter } from './parameter.js';
import { addIndent } from './repr.js';
import type { RemovableHandle } from '../util/hooks.js';
import { registerForwardPreHook, registerForwardHook, registerFullBackwardHook, type ForwardPreHook, type ForwardHook, type FullBackwardHook } from './module-hooks.js';
import { describeValue } from '../util/describe.js';

/** Any module, whatever its forward signature. */
export type AnyModule = Module<unknown[], unknown>;

/** Routes plain field assignment on a module to the registries (see the class doc). */
const handler: ProxyHandler<AnyModule> = {
  set(target, prop, value, receiver) {
    if (typeof prop === 'string' && target._claims(prop, value)) {
      target._assign(prop, value);
      return true;
    }
    return Reflect.set(target, prop, value, receiver);
  },
  defineProperty(target, prop, desc) {
    if (typeof prop === 'string' && 'value' in desc && target._claims(prop, desc.value)) {
      target._assign(prop, desc.value);
      return true;
    }
    return Reflect.defineProperty(target, prop, desc);
  },
  deleteProperty(target, prop) {
    if (typeof prop === 'string') target._unregister(prop);
    return Reflect.deleteProperty(target, prop);
  },
};

/**
 * Base class for all neural network modules. Subclasses register their parts in the constructor and
 * implement `forward`; call a module with `module.forward(x)` or its alias `module.call(x)`.
 *
 * @example
 * class Net extends nn.Module {
 *   fc1 = new nn.Linear(4, 8);
 *   fc2 = new nn.Linear(8, 2);
 *   override forward(x: Tensor) { return this.fc2.call(nn.functional.relu(this.fc1.call(x))); }
 * }
 */
export class Module<In extends unknown[] = [Tensor], Out = Tensor> {
  /** Training mode (true) or evaluation mode (false); see train() and eval(). */
  declare training: boolean;
  /** @internal */ declare _parameters: Map<string, Parameter | null>;
  /** @internal */ declare _buffers: Map<string, Tensor | null>;
  /** @internal */ declare _nonPersistentBuffers: Set<string>;
  /** @internal */ declare _modules: Map<string, AnyModule | null>;

  constructor() {
    const hidden = (value: unknown) => ({ value, writable: true, enumerable: false, configurable: false });
    Object.defineProperties(this, {
      training: { value: true, writable: true, enumerable: true, configurable: false },
      _parameters: hidden(new Map()),
      _buffers: hidden(new Map()),
      _nonPersistentBuffers: hidden(new Set()),
      _modules: hidden(new Map()),
    });
    // Subclass constructors run against the proxy, so their field assignments are seen.
    return new Proxy(this, handler as ProxyHandler<this>);
  }

  /** The computation; subclasses override it. */
  forward(..._args: In): Out {
    throw new Error(`Module [${this._getName()}] is missing the required "forward" function`);
  }

  /** Run forward (JS instances cannot be called like PyTorch modules). */
  call(...args: In): Out {
    return this.forward(...args);
  }

  // ---- hooks (./module-hooks.ts) -------------------------------------------------------------------

  /**
   * `hook(module, args)` runs before every forward; it may return new arguments (an array, or one value).
   * @example const h = model.registerForwardPreHook((m, args) => console.log(m.constructor.name)); h.remove();
   */
  registerForwardPreHook(hook: ForwardPreHook<this>): RemovableHandle {
    return registerForwardPreHook(this, hook);
  }

  /**
   * `hook(module, args, output)` runs after every forward; it may return a replacement output.
   * @example const acts = new Map(); model.fc.registerForwardHook((m, args, out) => { acts.set('fc', out); });
   */
  registerForwardHook(hook: ForwardHook<this>): RemovableHandle {
    return registerForwardHook(this, hook);
  }

  /**
   * `hook(module, gradInput, gradOutput)` runs during backward once the gradients with respect to the
   * module's inputs are computed; it may return replacement input gradients.
   */
  registerFullBackwardHook(hook: FullBackwardHook<this>): RemovableHandle {
    return registerFullBackwardHook(this, hook);
  }

  // ---- registration -------------------------------------------------------------------------------

  private _checkName(kind: string, fn: string, name: unknown): asserts name is string {
    if (typeof name !== 'string') throw new TypeError(`${fn}: ${kind} name should be a string, got ${describeValue(name)}`);
    if (name === '') throw new RangeError(`${fn}: ${kind} name can't be empty string ""`);
    if (name.includes('.')) throw new RangeError(`${fn}: ${kind} name can't contain ".", got "${name}"`);
    const registered = this._parameters.has(name) || this._buffers.has(name) || this._modules.has(name);
    if (!registered && name in this) {
      const own = Object.getOwnPropertyDescriptor(this, name);
      // A declared-but-unset class field (value undefined) may become a registered entry.
      if (!(own && 'value' in own && own.value === undefined)) {
        throw new RangeError(`${fn}: attribute '${name}' already exists`);
      }
    }
  }

  private _expose(name: string): void {
    const self = this;
    Object.defineProperty(this, name, {
      get() {
        if (self._parameters.has(name)) return self._parameters.get(name);
        if (self._buffers.has(name)) return self._buffers.get(name);
        return self._modules.get(name);
      },
      set(v: unknown) {
        self._assign(name, v);
      },
      enumerable: true,
      configurable: true,
    });
  }

  /** @internal Remove name from every registry. */
  _unregister(name: string): void {
    this._parameters.delete(name);
    this._buffers.delete(name);
    this._nonPersistentBuffers.delete(name);
    this._modules.delete(name);
  }

  /**
   * Register a parameter under `name` (null registers the name with no parameter, e.g. a disabled
   * bias). It becomes available as `this[name]`.
   */
  registerParameter(name: string, param: Parameter | null): void {
    this._checkName('parameter', 'registerParameter', name);
    if (param !== null && !(param instanceof Parameter)) {
      throw new TypeError(`registerParameter: cannot assign '${describeValue(param, { type: true })}' object to parameter '${name}' (nn.Parameter or null required)`);
    }
    if (param !== null && param.gradFn !== null) {
      throw new RangeError(`registerParameter: cannot assign non-leaf Tensor to parameter '${name}'; parameters must be created explicitly`);
    }
    this._unregister(name);
    this._parameters.set(name, param);
    this._expose(name);
  }

  /**
   * Register a buffer: state that is not learnable (e.g. running statistics). Persistent buffers are
   * part of `stateDict()`. It becomes available as `this[name]`.
   */
  registerBuffer(name: string, tensor: Tensor | null, persistent = true): void {
    this._checkName('buffer', 'registerBuffer', name);
    if (tensor !== null && !(tensor instanceof Tensor)) {
      throw new TypeError(`registerBuffer: cannot assign '${describeValue(tensor, { type: true })}' object to buffer '${name}' (Tensor or null required)`);
    }
    this._unregister(name);
    this._buffers.set(name, tensor);
    if (!persistent) this._nonPersistentBuffers.add(name);
    this._expose(name);
  }

  /** Register a child module under `name` (PyTorch's add_module / register_module). */
  registerModule(name: string, module: AnyModule | null): void {
    this._checkName('module', 'registerModule', name);
    if (module !== null && !(module instanceof Module)) {
      throw new TypeError(`registerModule: ${describeValue(module, { type: true })} is not a Module subclass`);
    }
    this._unregister(name);
    this._modules.set(name, module);
    this._expose(name);
  }

  /** Alias of registerModule (torch's add_module). */
  addModule(name: string, module: AnyModule | null): void {
    this.registerModule(name, module);
  }

  /** @internal Whether assigning `value` to field `name` goes to a registry. */
  _claims(name: string, value: unknown): boolean {
    return (
      value instanceof Parameter || value instanceof Module ||
      this._parameters.has(name) || this._buffers.has(name) || this._modules.has(name)
    );
  }

  /** @internal Field assignment semantics of torch.nn.Module.__setattr__. */
  _assign(name: string, value: unknown): void {
    if (value instanceof Parameter) {
      if (!this._parameters.has(name)) this._unregisterIfOther(name);
      this.registerParameter(name, value);
    } else if (value instanceof Module) {
      if (!this._modules.has(name)) this._unregisterIfOther(name);
      this.registerModule(name, value);
    } else if (this._parameters.has(name)) {
      if (value !== null) {
        throw new TypeError(`cannot assign '${describeValue(value, { type: true })}' as parameter '${name}' (nn.Parameter or null expected)`);
      }
      this._parameters.set(name, null);
    } else if (this._buffers.has(name)) {
      if (value !== null && !(value instanceof Tensor)) {
        throw new TypeError(`cannot assign '${describeValue(value, { type: true })}' as buffer '${name}' (Tensor or null expected)`);
      }
      this._buffers.set(name, value);
    } else if (this._modules.has(name)) {
      if (value !== null) {
        throw new TypeError(`cannot assign '${describeValue(value, { type: true })}' as child module '${name}' (nn.Module or null expected)`);
      }
      this._modules.set(name, null);
    } else {
      Reflect.defineProperty(this, name, { value, writable: true, enumerable: true, configurable: true });
    }
  }

  /** Before registering `name` as another kind: drop its old registration or plain own value. */
  private _unregisterIfOther(name: string): void {
    if (this._parameters.has(name) || this._buffers.has(name) || this._modules.has(name)) {
      this._unregister(name);
      Reflect.deleteProperty(this, name);
    } else if (Object.prototype.hasOwnProperty.call(this, name)) {
      Reflect.deleteProperty(this, name);
    }
  }

  // ---- traversal ----------------------------------------------------------------------------------

  /** Direct children (non-null), in registration order. */
  children(): AnyModule[] {
    return this.namedChildren().map(([, m]) => m);
  }

  /** Direct children with their names; a module registered twice appears once. */
  namedChildren(): [string, AnyModule][] {
    const seen = new Set<AnyModule>();
    const out: [string, AnyModule][] = [];
    for (const [name, m] of this._modules) {
      if (m !== null && !seen.has(m)) {
        seen.add(m);
        out.push([name, m]);
      }
    }
    return out;
  }

  /** This module and all below it, depth first, each once. */
  modules(): AnyModule[] {
    return this.namedModules().map(([, m]) => m);
  }

  /** This module ('' or `prefix`) and all below it with dotted names, depth first, each once. */
  namedModules(opts: { prefix?: string; removeDuplicate?: boolean } = {}): [string, AnyModule][] {
    const out: [string, AnyModule][] = [];
    const memo = new Set<AnyModule>();
    const removeDuplicate = opts.removeDuplicate ?? true;
    const walk = (m: AnyModule, prefix: string) => {
      if (removeDuplicate) {
        if (memo.has(m)) return;
        memo.add(m);
      }
      out.push([prefix, m]);
      for (const [name, child] of m._modules) {
        if (child !== null) walk(child, prefix ? `${prefix}.${name}` : name);
      }
    };
    walk(this, opts.prefix ?? '');
    return out;
  }

  private _namedMembers<T>(
    get: (m: AnyModule) => Map<string, T | null>, prefix: string, recurse: boolean, skip?: (m: AnyModule, name: string) => boolean,
  ): [string, T][] {
    const mods: [string, AnyModule][] = recurse ? this.namedModules({ prefix }) : [[prefix, this]];
    const seen = new Set<T>();
    const out: [string, T][] = [];
    for (const [mp, m] of mods) {
      for (const [name, v] of get(m)) {
        if (v === null || seen.has(v) || (skip && skip(m, name))) continue;
        seen.add(v);
        out.push([mp ? `${mp}.${name}` : name, v]);
      }
    }
    return out;
  }

  /** Every parameter (each once), in registration order, recursing into children by default. */
  parameters(opts: { recurse?: boolean } = {}): Parameter[] {
    return this.namedParameters(opts).map(([, p]) => p);
  }

  /** Parameters with dotted names (`block1.b2.0.weight`), each once. */
  namedParameters(opts: { prefix?: string; recurse?: boolean } = {}): [string, Parameter][] {
    return this._namedMembers((m) => m._parameters, opts.prefix ?? '', opts.recurse ?? true);
  }

  /** Every buffer (each once), recursing into children by default. */
  buffers(opts: { recurse?: boolean } = {}): Tensor[] {
    return this.namedBuffers(opts).map(([, b]) => b);
  }

  /** Buffers with dotted names (`stem.1.running_mean`), each once. */
  namedBuffers(opts: { prefix?: string; recurse?: boolean } = {}): [string, Tensor][] {
    return this._namedMembers((m) => m._buffers, opts.prefix ?? '', opts.recurse ?? true);
  }

  /** The submodule at a dotted path ('' is this module), like get_submodule. */
  getSubmodule(target: string): AnyModule {
    if (target === '') return this;
    let mod: AnyModule = this;
    for (const item of target.split('.')) {
      const next = mod._modules.get(item);
      if (next === undefined || next === null) {
        throw new RangeError(`getSubmodule: ${mod._getName()} has no attribute \`${item}\` (path '${target}')`);
      }
      mod = next;
    }
    return mod;
  }

  /** The parameter at a dotted path, like get_parameter. */
  getParameter(target: string): Parameter {
    return this._getMember('getParameter', 'parameter', target, (m) => m._parameters);
  }

  /** The buffer at a dotted path, like get_buffer. */
  getBuffer(target: string): Tensor {
    return this._getMember('getBuffer', 'buffer', target, (m) => m._buffers);
  }

  /** The `kind` at a dotted path, looked up in the owning submodule's table; `fn` names the caller in errors. */
  private _getMember<T>(fn: string, kind: string, target: string, table: (m: AnyModule) => Map<string, T | null>): T {
    const i = target.lastIndexOf('.');
    const mod = this.getSubmodule(i < 0 ? '' : target.slice(0, i));
    const name = target.slice(i + 1);
    const v = table(mod).get(name);
    if (v === undefined || v === null) throw new RangeError(`${fn}: ${mod._getName()} has no ${kind} \`${name}\` (path '${target}')`);
    return v;
  }

  // ---- modes and gradients ------------------------------------------------------------------------

  /** Set training mode on this module and all children; returns this. */
  train(mode = true): this {
    if (typeof mode !== 'boolean') throw new TypeError(`train: expected mode to be a boolean, got ${describeValue(mode)}`);
    this.training = mode;
    for (const m of this.children()) m.train(mode);
    return this;
  }

  /** Evaluation mode (train(false)): dropout off, batch norm uses running statistics. Returns this. */
  eval(): this {
    return this.train(false);
  }

  /** Set requiresGrad on every parameter; returns this. */
  requiresGrad_(requiresGrad = true): this {
    for (const p of this.parameters()) p.requiresGrad = requiresGrad;
    return this;
  }

  /** Reset the gradients of all parameters: to null (default), or to zero in place. */
  zeroGrad(opts: { setToNone?: boolean } = {}): void {
    const setToNone = opts.setToNone ?? true;
    for (const p of this.parameters()) {
      if (p.grad === null) continue;
      if (setToNone) p.grad = null;
      else p.grad._fill(0);
    }
  }

  /** Call fn on every submodule (children first, then this), like Module.apply; returns this. */
  apply(fn: (m: AnyModule) => void): this {
    for (const m of this.children()) m.apply(fn);
    fn(this);
    return this;
  }

  // ---- state dict ---------------------------------------------------------------------------------

  /**
   * Parameters and persistent buffers by dotted name, in PyTorch's order (a module's own parameters,
   * then its buffers, then each child's). Values are detached tensors sharing storage with the module
   * (`keepVars: true` gives the Parameter objects themselves).
   */
  stateDict(opts: { prefix?: string; keepVars?: boolean } = {}): Map<string, Tensor> {
    const dest = new Map<string, Tensor>();
    this._saveToStateDict(dest, opts.prefix ?? '', opts.keepVars ?? false);
    return dest;
  }

  private _saveToStateDict(dest: Map<string, Tensor>, prefix: string, keepVars: boolean): void {
    for (const [name, p] of this._parameters) if (p !== null) dest.set(prefix + name, keepVars ? p : p.detach());
    for (const [name, b] of this._buffers) {
      if (b !== null && !this._nonPersistentBuffers.has(name)) dest.set(prefix + name, keepVars ? b : b.detach());
    }
    for (const [name, m] of this._modules) if (m !== null) m._saveToStateDict(dest, `${prefix}${name}.`, keepVars);
  }

  /**
   * Copy parameters and buffers from `stateDict` (a Map or a plain object of tensors, e.g. what
   * `stateDict()`, `load` or `loadPth` return) into this module, in place, converting dtypes. With
   * `strict` (default) missing or unexpected keys are errors; a shape mismatch always is. Returns the
   * missing and unexpected keys (PyTorch's `_IncompatibleKeys`).
   *
   * Errors are reported all together in PyTorch's words, and nothing is copied when there is any
   * (PyTorch copies the good keys first):
   * ```
   * Error(s) in loading state_dict for Linear:
   * \tMissing key(s) in state_dict: "bias". 
   * \tUnexpected key(s) in state_dict: "extra". 
   * ```
   * @example
   * model.loadStateDict(loadPth('model.pth'));
   * const { missingKeys } = model.loadStateDict(partial, { strict: false });
   */
  loadStateDict(stateDict: StateDict, opts: { strict?: boolean } = {}): LoadStateDictResult {
    return loadStateDictInto(this.stateDict({ keepVars: true }), stateDict, opts, this._getName());
  }

  // ---- repr ---------------------------------------------------------------------------------------

  /** The class name used in the repr. */
  _getName(): string {
    return this.constructor.name;
  }

  /** Extra text inside the parentheses of this module's repr (e.g. `in_features=4, out_features=2, bias=True`). */
  extraRepr(): string {
    return '';
  }

  /** PyTorch's repr: `Name(extra)` or a multi-line tree of `(child): repr` lines. */
  toString(): string {
    const extra = this.extraRepr();
    const extraLines = extra ? extra.split('\n') : [];
    const childLines: string[] = [];
    for (const [name, m] of this._modules) childLines.push(`(${name}): ${addIndent(m === null ? 'None' : m.toString(), 2)}`);
    const lines = [...extraLines, ...childLines];
    let s = `${this._getName()}(`;
    if (lines.length > 0) {
      if (extraLines.length === 1 && childLines.length === 0) s += extraLines[0];
      else s += `\n  ${lines.join('\n  ')}\n`;
    }
    return `${s})`;
  }

  [Symbol.for('nodejs.util.inspect.custom')](): string {
    return this.toString();
  }
}
