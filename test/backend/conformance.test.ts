/**
 * Every non-ref backend's kernels against the naive ref backend (test/helpers/conformance-suite.ts), each
 * output inside guard bands that must stay untouched and each input checked unchanged
 * (test/helpers/guard-bands.ts). ref itself is the spec: test/backend/ref.test.ts checks it against
 * PyTorch's values, so comparing it with itself here would prove nothing.
 */
import { describe, it } from 'vitest';
import { testBackends } from '../helpers/backends.js';
import { conformanceSuite } from '../helpers/conformance-suite.js';
import { withGuardBands } from '../helpers/guard-bands.js';

for (const backend of testBackends()) {
  if (backend.name === 'ref') {
    describe.skip('ref backend conformance (skipped: ref is the spec, checked against PyTorch in ref.test.ts)', () => {
      it('is not compared with itself', () => {});
    });
    continue;
  }
  describe(`${backend.name} backend conformance`, () => conformanceSuite(withGuardBands(backend), { describe, it }));
}
