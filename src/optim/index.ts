/**
 * optim: optimizers and learning-rate schedulers with torch.optim's semantics.
 *
 * ```ts
 * import { optim } from 'nodetorch';
 * const opt = new optim.SGD(model.parameters(), { lr: 0.1, momentum: 0.9 });
 * const sched = new optim.lrScheduler.StepLR(opt, 30);
 * ```
 */
export {
  Optimizer,
  type ParamGroup,
  type ParamGroupInput,
  type ParamsArg,
  type ParamState,
  type StateValue,
  type OptimizerStateDict,
  type ZeroGradOptions,
} from './optimizer.js';
export { SGD, type SGDOptions } from './sgd.js';
export { Adam, AdamW, type AdamOptions } from './adam.js';
export { RMSprop, type RMSpropOptions } from './rmsprop.js';
export { Adagrad, type AdagradOptions } from './adagrad.js';
export * as lrScheduler from './lr-scheduler/index.js';
