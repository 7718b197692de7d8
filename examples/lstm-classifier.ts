/**
 * An LSTM sequence classifier (Embedding + LSTM over packed variable-length sequences + Linear) learns
 * which of two marker tokens comes first in a sequence of random filler tokens, something only a model
 * that remembers across steps can tell.
 * Run: npx tsx examples/lstm-classifier.ts [--steps 300] [--lr 0.01]
 */
import { nn, optim, tensor, noGrad, argmax, manualSeed, Generator, type Tensor } from '../src/index.js';
import { LstmClassifier } from './models.js';
import { numberArg, LossPrinter } from './args.js';

const steps = numberArg('steps', 300);
const lr = numberArg('lr', 0.01);
const PAD = 0;
const MARK_A = 1;
const MARK_B = 2;
const VOCAB = 12; // 0 pad, 1 and 2 the markers, 3..11 filler

/**
 * A batch of sequences of length 6..20: random filler with the two markers at two random positions;
 * class 1 when A comes before B. Returns the padded (B, T) ids, the lengths and the (B) classes.
 */
function makeBatch(g: Generator, batchSize: number): { tokens: Tensor; lengths: number[]; labels: Tensor } {
  const lengths = Array.from({ length: batchSize }, () => g.randint(6, 21));
  const maxLen = Math.max(...lengths);
  const ids: number[][] = [];
  const labels: number[] = [];
  for (const len of lengths) {
    const seq = Array.from({ length: maxLen }, (_, t) => (t < len ? g.randint(3, VOCAB) : PAD));
    const p = g.randint(0, len);
    let q = g.randint(0, len - 1);
    if (q >= p) q++;
    const aFirst = g.random() < 0.5;
    seq[Math.min(p, q)] = aFirst ? MARK_A : MARK_B;
    seq[Math.max(p, q)] = aFirst ? MARK_B : MARK_A;
    ids.push(seq);
    labels.push(aFirst ? 1 : 0);
  }
  return { tokens: tensor(ids, { dtype: 'int64' }), lengths, labels: tensor(labels, { dtype: 'int64' }) };
}

manualSeed(0);
const g = new Generator(1);
const model = new LstmClassifier({ vocab: VOCAB });
const lossFn = new nn.CrossEntropyLoss();
const optimizer = new optim.Adam(model.parameters(), { lr });
const printer = new LossPrinter(Math.max(1, Math.floor(steps / 6)));
for (let step = 1; step <= steps; step++) {
  const { tokens, lengths, labels } = makeBatch(g, 32);
  optimizer.zeroGrad();
  const loss = lossFn.forward(model.forward(tokens, lengths), labels);
  loss.backward();
  optimizer.step();
  printer.add(step, loss.item());
}

const test = makeBatch(new Generator(2), 500);
const predicted = noGrad(() => argmax(model.forward(test.tokens, test.lengths), 1));
console.log(`test accuracy ${(predicted.eq(test.labels).sum().item() / 500).toFixed(3)} on 500 sequences`);
