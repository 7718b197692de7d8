/**
 * Child process of the resume test: trains `steps` steps, writes a checkpoint, reports it on stdout,
 * then keeps training (without saving) until the parent kills it with SIGKILL.
 * Usage: node --import tsx test/io/resume-child.ts <checkpoint path> <steps> <backend>
 */
import { setBackend, type BackendName } from '../../src/backend/select.js';
import { saveCheckpoint } from '../../src/io/serialize.js';
import { newRun } from './train-run.js';

const [path, steps, backend] = process.argv.slice(2);
setBackend(backend as BackendName);
const run = newRun(123);
run.train(Number(steps));
saveCheckpoint(path, { model: run.model, optimizer: run.optimizer, epoch: 1, step: Number(steps), metadata: { pid: process.pid } });
process.stdout.write('saved\n');
for (;;) run.train(1);
