/**
 * Which modules let a container mark the tensor between two of them as graph-internal
 * (src/autograd/graph-internal.ts), so that its storage is recycled after backward.
 *
 * The tensor y between a producer and a consumer is seen by no user code when:
 * - the producer "produces privately": its forward returns a result it keeps no reference to, and
 *   runs no user code that could see it;
 * - the consumer "consumes privately": its forward keeps no reference to its input outside the autograd
 *   graph, runs no user code that could see it, and returns storage of its own (never a view of, or
 *   the same tensor as, its input).
 * Only exact instances of registered library classes qualify, and only when the instance's forward was
 * not replaced: a subclass (which may keep what it likes) or a patched forward never does. Registered
 * containers decide from their children (Sequential: its first / last child; see containers.ts).
 */
import type { AnyModule } from './module.js';
import { Conv1d } from './conv.js';
import { Conv2d } from './conv2d.js';
import { BatchNorm1d, BatchNorm2d } from './batchnorm.js';
import { ReLU } from './activation.js';
import { MaxPool1d, AdaptiveAvgPool1d } from './pooling.js';
import { MaxPool2d } from './pooling2d.js';
import { LayerNorm } from './normalization.js';
import { Linear } from './linear.js';
import { Dropout } from './dropout.js';

/** How a registered class qualifies; a leaf layer does both unconditionally. */
export interface PrivacyRule {
  consumes(m: AnyModule): boolean;
  produces(m: AnyModule): boolean;
}

// eslint-disable-next-line @typescript-eslint/ban-types
const rules = new Map<Function, PrivacyRule>();

const leaf: PrivacyRule = { consumes: () => true, produces: () => true };
// Layers whose forward is one op on fresh output storage and keeps nothing: conv1d / conv2d (an
// asymmetric 'same' conv2d pads into a private copy first), batch norm 1d / 2d, relu, max pool 1d / 2d
// (with returnIndices it returns an array, which is never marked), adaptive average pooling, layer norm,
// linear (exact Linear only: MultiheadAttention's out_proj subclass never qualifies).
for (const cls of [Conv1d, Conv2d, BatchNorm1d, BatchNorm2d, ReLU, MaxPool1d, MaxPool2d, AdaptiveAvgPool1d, LayerNorm, Linear]) {
  rules.set(cls, leaf);
}

/**
 * Layers that pass a tensor on privately: an exact Dropout (its class's forward, no hooks) runs no user
 * code, keeps no reference to its input and returns new storage or, when it is the identity (p = 0 or
 * eval), its input itself. A tensor a container gives only to such a layer and then only its result to a
 * private consumer (a functional op of the container's, like the residual add) is seen by no user code.
 */
// eslint-disable-next-line @typescript-eslint/ban-types
const passers = new Set<Function>([Dropout]);

/** True if m passes its input on privately (see above). */
export function passesPrivately(m: unknown): boolean {
  const cls = plainClassOf(m);
  return cls !== undefined && passers.has(cls);
}

/** Register a library class (exact instances with their class's forward follow `rule`). */
// eslint-disable-next-line @typescript-eslint/ban-types
export function registerPrivacyRule(cls: Function, rule: PrivacyRule): void {
  rules.set(cls, rule);
}

/**
 * m's class when m is an instance running its class's own forward (no forward set on the instance, as a
 * hook or a patch would), else undefined: only such instances follow a library class's rule.
 */
// eslint-disable-next-line @typescript-eslint/ban-types
export function plainClassOf(m: unknown): Function | undefined {
  if (m === null || typeof m !== 'object') return undefined;
  if (Object.prototype.hasOwnProperty.call(m, 'forward')) return undefined;
  return m.constructor;
}

function ruleOf(m: unknown): PrivacyRule | undefined {
  const cls = plainClassOf(m);
  return cls === undefined ? undefined : rules.get(cls);
}

/** True if m keeps no reference to its input and returns storage of its own (see above). */
export function consumesPrivately(m: unknown): boolean {
  const r = ruleOf(m);
  return r !== undefined && r.consumes(m as AnyModule);
}

/** True if m keeps no reference to its result and no user code sees it inside m (see above). */
export function producesPrivately(m: unknown): boolean {
  const r = ruleOf(m);
  return r !== undefined && r.produces(m as AnyModule);
}
