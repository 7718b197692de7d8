/**
 * A character-level transformer language model (token + position Embedding, a TransformerEncoder under a
 * causal mask, Linear) trained on the project's README.md, then sampled from.
 * Run: npx tsx examples/char-transformer.ts [--steps 400] [--lr 0.003] [--sample 200]
 */
import { readFileSync } from 'node:fs';
import { nn, optim, tensor, noGrad, softmax, manualSeed, Generator } from '../src/index.js';
import { CharTransformer } from './models.js';
import { numberArg, LossPrinter } from './args.js';

const steps = numberArg('steps', 400);
const lr = numberArg('lr', 0.003);
const sampleLength = numberArg('sample', 200);
const CONTEXT = 64;
const BATCH = 16;

const text = readFileSync(new URL('../README.md', import.meta.url), 'utf8');
const chars = [...new Set(text)].sort();
const index = new Map(chars.map((c, i) => [c, i]));
const ids = Array.from(text, (c) => index.get(c)!);

/** BATCH random windows of CONTEXT + 1 characters: inputs are the first CONTEXT, targets the last CONTEXT. */
function makeBatch(g: Generator): { x: number[][]; y: number[][] } {
  const x: number[][] = [];
  const y: number[][] = [];
  for (let b = 0; b < BATCH; b++) {
    const start = g.randint(0, ids.length - CONTEXT - 1);
    x.push(ids.slice(start, start + CONTEXT));
    y.push(ids.slice(start + 1, start + CONTEXT + 1));
  }
  return { x, y };
}

manualSeed(0);
const g = new Generator(1);
const model = new CharTransformer({ vocab: chars.length, maxLen: CONTEXT });
const lossFn = new nn.CrossEntropyLoss();
const optimizer = new optim.AdamW(model.parameters(), { lr });
const printer = new LossPrinter(Math.max(1, Math.floor(steps / 8)));
console.log(`README.md: ${ids.length} characters, ${chars.length} distinct`);
for (let step = 1; step <= steps; step++) {
  const batch = makeBatch(g);
  const x = tensor(batch.x, { dtype: 'int64' });
  const y = tensor(batch.y, { dtype: 'int64' });
  optimizer.zeroGrad();
  const logits = model.forward(x); // (BATCH, CONTEXT, vocab)
  const loss = lossFn.forward(logits.reshape([-1, chars.length]), y.reshape([-1]));
  loss.backward();
  optimizer.step();
  printer.add(step, loss.item());
}

// Sample: feed the last CONTEXT characters, draw the next one from the softmax, repeat.
model.eval();
const out = Array.from('nodetorch', (c) => index.get(c)!);
for (let i = 0; i < sampleLength; i++) {
  const context = out.slice(-CONTEXT);
  const logits = noGrad(() => model.forward(tensor([context], { dtype: 'int64' })));
  const probs = softmax(logits.select(1, -1).reshape([-1]), 0).data as Float32Array;
  let u = g.random();
  let next = probs.length - 1;
  for (let k = 0; k < probs.length; k++) {
    u -= probs[k];
    if (u <= 0) {
      next = k;
      break;
    }
  }
  out.push(next);
}
console.log(`sample: ${JSON.stringify(out.map((i) => chars[i]).join(''))}`);
