/**
 * Child process of the DataLoader early-exit test (finding 1 of issue 11). Each round leaves a
 * `for await` over a loader with numWorkers > 0 while batches are still in flight, in one of the ways
 * a program can: `break`, `return` from the enclosing function, a `throw` caught outside, or `break`
 * with persistent workers followed by close(). The race this covers ended the process mid-await (exit
 * code 13 under top-level await, or 0 without running the code after the loop), so reaching the end
 * of all rounds and printing their count is the check.
 *
 * It imports the built package (dist/): workers started from the TypeScript sources register tsx in
 * every thread, which makes a round about ten times slower.
 *
 * Usage: node test/data/early-exit-child.mjs <rounds> [exit-inside]
 * After the rounds it leaves a persistent loader unclosed and an iteration abandoned mid-way (never
 * finished nor returned): the process must still exit by itself.
 * With `exit-inside`, it then calls process.exit(7) inside a loop whose workers are busy: the 'exit'
 * handlers must run and the exit code must be 7.
 */
import { data, zeros, arange } from '../../dist/index.js';

const [roundsArg, mode] = process.argv.slice(2);
const rounds = Number(roundsArg);
const dataset = new data.TensorDataset(zeros([10, 3]), arange(10));
const loader = (persistentWorkers = false) => new data.DataLoader(dataset, { batchSize: 2, numWorkers: 2, persistentWorkers });

async function breakAt(n) {
  let seen = 0;
  for await (const _ of loader()) if (++seen === n) break;
  return seen;
}

async function returnAt(n) {
  let seen = 0;
  for await (const _ of loader()) if (++seen === n) return seen;
  return -1;
}

async function throwAt(n) {
  let seen = 0;
  try {
    for await (const _ of loader()) if (++seen === n) throw new Error('stop');
  } catch (e) {
    if (e.message !== 'stop') throw e;
  }
  return seen;
}

async function persistentBreakAt(n) {
  const l = loader(true);
  let seen = 0;
  for await (const _ of l) if (++seen === n) break;
  await l.close();
  return seen;
}

const ways = [breakAt, returnAt, throwAt, persistentBreakAt];
let done = 0;
for (let r = 0; r < rounds; r++) {
  // 4 ways x leaving after the 1st, 2nd or 3rd of 5 batches: all 12 pairs every 12 rounds
  const f = ways[r % ways.length];
  const n = 1 + (r % 3);
  const seen = await f(n);
  if (seen !== n) throw new Error(`${f.name}(${n}) saw ${seen} batches`);
  done++;
}

const unclosed = loader(true);
for await (const _ of unclosed) break;
// an iteration abandoned without return(): its workers still owe batches when the script ends
const abandoned = loader()[Symbol.asyncIterator]();
await abandoned.next();
process.stdout.write(`rounds ${done}\n`);

if (mode === 'exit-inside') {
  process.on('exit', (code) => process.stdout.write(`exit handler ${code}\n`));
  for await (const _ of loader()) process.exit(7);
}
