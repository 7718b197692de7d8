/**
 * The reference model's train step as the benchmarks time it: Inception1d (generator seed 0) in training
 * mode, SGD lr 0.003 momentum 0.9, CrossEntropyLoss, a random (batch, 1, 1200) input and labels; each call
 * runs zeroGrad, forward, loss, backward and the SGD step, and returns the loss. The modules come in as an
 * argument so that bench/train-step-ab.ts can build the step of another checkout's src/ beside this one's.
 */
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { Inception1d } from '../src/models/inception1d.js';
import type { CrossEntropyLoss } from '../src/nn/index.js';
import type { SGD } from '../src/optim/index.js';
import type { randn, randint } from '../src/creation.js';
import type { Generator } from '../src/util/generator.js';

/** What the step needs from a checkout's src/. */
export interface StepModules {
  Inception1d: typeof Inception1d;
  CrossEntropyLoss: typeof CrossEntropyLoss;
  SGD: typeof SGD;
  randn: typeof randn;
  randint: typeof randint;
  Generator: typeof Generator;
}

/** One train step on the current backend of the checkout the modules come from; returns the loss. */
export function referenceStep(m: StepModules, batch: number): () => number {
  const g = new m.Generator(0);
  const model = new m.Inception1d(2, { generator: g });
  model.train();
  const opt = new m.SGD(model.parameters(), { lr: 0.003, momentum: 0.9 });
  const lossFn = new m.CrossEntropyLoss();
  const x = m.randn([batch, 1, 1200], { generator: g });
  const y = m.randint(0, 2, [batch], { generator: g });
  return () => {
    opt.zeroGrad();
    const loss = lossFn.forward(model.forward(x), y);
    loss.backward();
    opt.step();
    return loss.item() as number;
  };
}

/**
 * The train step built from another checkout's src/ (`tree`: a directory with node_modules and a built
 * addon), on `backend` with `threads` native threads; also that tree's backend selection module.
 */
export async function treeStep(
  tree: string, backend: string, threads: number, batch: number,
): Promise<{ step: () => number; select: { backendInfo(): { threads: number } } }> {
  const from = (p: string) => import(pathToFileURL(resolve(tree, p)).href);
  const select = await from('src/backend/select.ts');
  const modules = {
    ...(await from('src/models/inception1d.ts')), ...(await from('src/nn/index.ts')), ...(await from('src/optim/index.ts')),
    ...(await from('src/creation.ts')), ...(await from('src/util/generator.ts')),
  } as StepModules;
  select.availableBackends();
  select.setBackend(backend);
  select.setNumThreads(threads);
  return { step: referenceStep(modules, batch), select };
}
