import { availableBackends, unavailableBackends } from '../../src/backend/select.js';
import type { Backend } from '../../src/backend/backend.js';

/**
 * The backends the suite runs on. NODETORCH_BACKEND=native|wasm|ref restricts it to one (CI runs the
 * suite once per backend); otherwise every backend that loads. Unavailable ones are reported once.
 */
export function testBackends(): Backend[] {
  const forced = process.env.NODETORCH_BACKEND;
  const all = availableBackends();
  const missing = unavailableBackends();
  if (missing.length > 0 && !forced) {
    for (const m of missing) console.warn(`[skip] backend ${m.name} unavailable: ${m.reason}`);
  }
  if (forced) {
    const b = all.find((x) => x.name === forced);
    if (!b) throw new Error(`NODETORCH_BACKEND=${forced} but it did not load: ${missing.map((m) => `${m.name}: ${m.reason}`).join('; ')}`);
    return [b];
  }
  return all;
}
