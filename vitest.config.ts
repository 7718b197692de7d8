import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    testTimeout: 60_000,
    hookTimeout: 60_000,
    pool: 'forks',
    // NODETORCH_TEST_WASM_RELAXED=1: run the test processes with relaxed SIMD enabled (Node 20 keeps it behind
    // a V8 flag), so the wasm backend loads its relaxed-SIMD build; CI runs the wasm conformance once so.
    execArgv: process.env.NODETORCH_TEST_WASM_RELAXED === '1' ? ['--experimental-wasm-relaxed-simd'] : [],
  },
});
