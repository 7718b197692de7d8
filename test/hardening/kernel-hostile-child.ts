/**
 * Child process of test/hardening/properties.test.ts: native kernel calls with hostile params and arrays
 * (fast-check, seeded), each of which must return or throw a TypeError/RangeError naming the kernel. Runs
 * apart from vitest so that a crash (a signal) fails the test instead of killing the runner. Prints one JSON
 * line: { runs, clear, returned, unclear: [examples] }.
 *
 *   node --import tsx test/hardening/kernel-hostile-child.ts <seed> <runs>
 */
import fc from 'fast-check';
import { loadNativeBackend } from '../../src/backend/native.js';
import { ALL_KERNELS, HOSTILE_FIELDS, cloneCall, drawKernelCall, hostileArray, invoke } from '../helpers/fuzz-kernels.js';
import { Rng } from '../helpers/fuzz-ops.js';

const seed = Number(process.argv[2] ?? 11);
const runs = Number(process.argv[3] ?? 2000);
const backend = loadNativeBackend();
const stats = { runs: 0, clear: 0, returned: 0, unclear: [] as string[] };

fc.assert(
  fc.property(fc.constantFrom(...ALL_KERNELS), fc.integer({ min: 0, max: 2 ** 31 - 1 }), fc.nat(99), fc.nat(99), (kernel, s, where, what) => {
    const r = new Rng(s);
    const call = cloneCall(drawKernelCall(kernel, r));
    const args: unknown[] = [...call.arrays];
    const fields = call.params ? Object.keys(call.params) : [];
    // Replace one params field, one array, or the params object itself.
    const slots = fields.length + args.length + 1;
    const slot = where % slots;
    let params: unknown = call.params;
    if (slot < fields.length) params = { ...call.params, [fields[slot]]: HOSTILE_FIELDS[what % HOSTILE_FIELDS.length] };
    else if (slot < fields.length + args.length) {
      const i = slot - fields.length;
      args[i] = hostileArray(r, (call.arrays[i]?.length ?? 3));
    } else params = HOSTILE_FIELDS[what % HOSTILE_FIELDS.length];
    stats.runs++;
    try {
      invoke(backend, { ...call, arrays: args as never, params: call.params === null && slot >= fields.length + args.length ? null : (params as never) });
      stats.returned++;
    } catch (e) {
      const ok = (e instanceof TypeError || e instanceof RangeError) && e.message.startsWith(`${kernel}:`);
      if (ok) stats.clear++;
      else if (stats.unclear.length < 20) stats.unclear.push(`${kernel} slot ${slot}: ${String(e)}`);
    }
  }),
  { seed, numRuns: runs },
);
process.stdout.write(`${JSON.stringify(stats)}\n`);
