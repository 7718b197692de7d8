/**
 * Module hooks with PyTorch's semantics (`register_forward_pre_hook`, `register_forward_hook`,
 * `register_full_backward_hook`). JS cannot hook a call to `module.forward(x)` from outside, so the
 * first hook registered on a module installs an own `forward` on the instance that runs the hooks
 * around the class's forward; removing the last hook removes it again. A module with hooks therefore
 * never takes nn.Sequential's fused paths (src/nn/fusion.ts), so its hooks see its own output.
 *
 * Full backward hooks follow torch.utils.hooks.BackwardHook: the module's tensor inputs pass through
 * one identity node and its tensor outputs through another; the hook is called with
 * `(module, gradInput, gradOutput)` once the gradients of all inputs are known, and may return
 * replacement input gradients. When no input requires grad it is called with `gradInput` of nulls as
 * soon as the output gradients are known.
 */
import { Tensor } from '../tensor.js';
import { record } from '../autograd/record.js';
import { isGradEnabled } from '../autograd/grad-mode.js';
import { RemovableHandle, checkHook } from '../util/hooks.js';

/** The module a hook is called with (hooks are stored untyped and called with their own module). */
type M = object;

export type ForwardPreHook<Mod = M> = (module: Mod, args: unknown[]) => unknown[] | unknown | void;
export type ForwardHook<Mod = M> = (module: Mod, args: unknown[], output: unknown) => unknown | void;
export type FullBackwardHook<Mod = M> = (module: Mod, gradInput: (Tensor | null)[], gradOutput: (Tensor | null)[]) => (Tensor | null)[] | void;

interface HookTables {
  pre: Map<number, ForwardPreHook>;
  fwd: Map<number, ForwardHook>;
  bwd: Map<number, FullBackwardHook>;
  /** The instance's own forward before hooks were installed (a forward assigned to the instance), if any. */
  ownForward: PropertyDescriptor | undefined;
}

const tables = new WeakMap<object, HookTables>();

function tablesOf(target: object): HookTables {
  let t = tables.get(target);
  if (!t) {
    t = { pre: new Map(), fwd: new Map(), bwd: new Map(), ownForward: Object.getOwnPropertyDescriptor(target, 'forward') };
    tables.set(target, t);
    const inner: (...a: unknown[]) => unknown = t.ownForward?.value ?? Object.getPrototypeOf(target).forward;
    const hooks = t;
    Object.defineProperty(target, 'forward', {
      value: function hookedForward(this: M, ...args: unknown[]) {
        return runWithHooks(this, hooks, inner, args);
      },
      writable: true, enumerable: false, configurable: true,
    });
  }
  return t;
}

/** Remove the installed forward when the module has no hooks left. */
function uninstallIfEmpty(target: object): void {
  const t = tables.get(target);
  if (!t || t.pre.size + t.fwd.size + t.bwd.size > 0) return;
  tables.delete(target);
  if (t.ownForward) Object.defineProperty(target, 'forward', t.ownForward);
  else delete (target as { forward?: unknown }).forward;
}

function register(op: string, target: object, which: 'pre' | 'fwd' | 'bwd', hook: unknown): RemovableHandle {
  checkHook(op, hook);
  return new RemovableHandle(tablesOf(target)[which] as Map<number, unknown>, hook, () => uninstallIfEmpty(target));
}

export function registerForwardPreHook<Mod extends object>(target: Mod, hook: ForwardPreHook<Mod>): RemovableHandle {
  return register('registerForwardPreHook', target, 'pre', hook);
}
export function registerForwardHook<Mod extends object>(target: Mod, hook: ForwardHook<Mod>): RemovableHandle {
  return register('registerForwardHook', target, 'fwd', hook);
}
export function registerFullBackwardHook<Mod extends object>(target: Mod, hook: FullBackwardHook<Mod>): RemovableHandle {
  return register('registerFullBackwardHook', target, 'bwd', hook);
}

function runWithHooks(module: M, t: HookTables, inner: (...a: unknown[]) => unknown, args: unknown[]): unknown {
  for (const hook of [...t.pre.values()]) {
    const r = hook(module, args);
    if (r !== undefined && r !== null) args = Array.isArray(r) ? r : [r];
  }
  const bw = t.bwd.size > 0 && isGradEnabled() ? new BackwardHookState(module, t) : null;
  if (bw) args = bw.wrapInputs(args);
  let out = inner.apply(module, args);
  for (const hook of [...t.fwd.values()]) {
    const r = hook(module, args, out);
    if (r !== undefined) out = r;
  }
  if (bw) out = bw.wrapOutputs(out);
  return out;
}

/** An identity of t whose backward hands the gradient to `onGrad` (which may replace it). */
function identityNode(t: Tensor, onGrad: (g: Tensor) => Tensor | null): Tensor {
  return record(new Tensor(t.data, t.shape, t.dtype), 'BackwardHookFunctionBackward', [t], (g) => [onGrad(g)]);
}

/** The bookkeeping of one forward call of a module with full backward hooks. */
class BackwardHookState {
  private nInputs = 0;
  private gradInputs: (Tensor | null)[] = [];
  private pendingInputs = 0;
  private gradOutputs: (Tensor | null)[] = [];
  private pendingOutputs = 0;
  private inputsCalled = false;
  private replaced: (Tensor | null)[] | null = null;

  constructor(private readonly module: M, private readonly t: HookTables) {}

  /** Route every tensor input that requires grad through an identity node; the hook fires in the last one. */
  wrapInputs(args: unknown[]): unknown[] {
    const idx: number[] = [];
    args.forEach((a, i) => {
      if (a instanceof Tensor) {
        this.nInputs++;
        if (a.requiresGrad) idx.push(i);
      }
    });
    this.gradInputs = new Array(this.nInputs).fill(null);
    const slotOf = new Map<number, number>();
    let slot = 0;
    args.forEach((a, i) => { if (a instanceof Tensor) slotOf.set(i, slot++); });
    this.pendingInputs = idx.length;
    const out = [...args];
    for (const i of idx) {
      const s = slotOf.get(i)!;
      out[i] = identityNode(args[i] as Tensor, (g) => {
        this.gradInputs[s] = g;
        if (--this.pendingInputs === 0) this.callHooks();
        return this.replaced ? this.replaced[s] : g;
      });
    }
    return out;
  }

  /** Route the tensor outputs through identity nodes that collect gradOutput. */
  wrapOutputs(out: unknown): unknown {
    const wrapOne = (o: Tensor, k: number): Tensor => {
      if (!o.requiresGrad) return o;
      this.pendingOutputs++;
      return identityNode(o, (g) => {
        this.gradOutputs[k] = g;
        if (--this.pendingOutputs === 0 && this.pendingInputs === 0 && !this.inputsCalled) this.callHooks(); // no input needs grad
        return g;
      });
    };
    if (out instanceof Tensor) {
      this.gradOutputs = [null];
      return wrapOne(out, 0);
    }
    if (Array.isArray(out)) {
      this.gradOutputs = out.map(() => null);
      return out.map((o, k) => (o instanceof Tensor ? wrapOne(o, k) : o));
    }
    return out;
  }

  private callHooks(): void {
    this.inputsCalled = true;
    let gradIn: (Tensor | null)[] = [...this.gradInputs];
    for (const hook of [...this.t.bwd.values()]) {
      const r = hook(this.module, gradIn, [...this.gradOutputs]);
      if (r === undefined || r === null) continue;
      if (!Array.isArray(r) || r.length !== gradIn.length) {
        throw new RangeError(`backward hook: expected the hook to return ${gradIn.length} input gradient(s), got ${Array.isArray(r) ? r.length : typeof r}`);
      }
      if (this.gradInputs.filter((g) => g !== null).length > 1) {
        throw new Error('backward hook: returning replacement input gradients is supported for modules with one input that requires grad');
      }
      r.forEach((g, i) => {
        const old = gradIn[i];
        if (g !== null && !(g instanceof Tensor)) throw new TypeError(`backward hook: input gradient ${i} must be a Tensor or null`);
        if (g && old && (g.ndim !== old.ndim || g.shape.some((d, j) => d !== old.shape[j]))) {
          throw new RangeError(`backward hook: input gradient ${i} has shape (${g.shape.join(', ')}), expected (${old.shape.join(', ')})`);
        }
      });
      gradIn = r;
    }
    this.replaced = gradIn;
  }
}
