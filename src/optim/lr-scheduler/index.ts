/**
 * Learning-rate schedulers (torch.optim.lr_scheduler). Create one on an optimizer and call `step()`
 * after each `optimizer.step()` (ReduceLROnPlateau: `step(metric)`); `getLastLr()` gives the rates set.
 */
export { LRScheduler, type Scheduler, type SchedulerStateDict, type LRSchedulerOptions } from './lr-scheduler.js';
export { StepLR, type StepLROptions } from './step-lr.js';
export { MultiStepLR, type MultiStepLROptions } from './multi-step-lr.js';
export { ExponentialLR } from './exponential-lr.js';
export { CosineAnnealingLR, type CosineAnnealingLROptions } from './cosine-annealing-lr.js';
export { LinearLR, type LinearLROptions } from './linear-lr.js';
export { LambdaLR, type LrLambda } from './lambda-lr.js';
export { OneCycleLR, type OneCycleLROptions } from './one-cycle-lr.js';
export { ReduceLROnPlateau, type ReduceLROnPlateauOptions } from './reduce-lr-on-plateau.js';
export { SequentialLR } from './sequential-lr.js';
