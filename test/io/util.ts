/** Shared helpers for the serialization tests. */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { expect } from 'vitest';
import { Tensor } from '../../src/tensor.js';

export const FIXTURES = fileURLToPath(new URL('../fixtures/io/', import.meta.url));

export function fixture(name: string): string {
  return join(FIXTURES, name);
}

export interface ExpectedTensor {
  dtype: 'float32' | 'int64' | 'bool';
  shape: number[];
  values: number[];
}

let expectedCache: any = null;
/** test/fixtures/io/expected.json (written by gen_io.py). */
export function expected(): any {
  expectedCache ??= JSON.parse(readFileSync(fixture('expected.json'), 'utf8'));
  return expectedCache;
}

/** Assert a tensor holds exactly the expected dtype, shape and values (float32 values after fround). */
export function expectTensor(t: unknown, e: ExpectedTensor, label: string): void {
  expect(t, label).toBeInstanceOf(Tensor);
  const x = t as Tensor;
  expect(x.dtype, `${label}: dtype`).toBe(e.dtype);
  expect([...x.shape], `${label}: shape`).toEqual(e.shape);
  const want = e.dtype === 'float32' ? Float32Array.from(e.values) : e.dtype === 'bool' ? Uint8Array.from(e.values) : Float64Array.from(e.values);
  expect(x.data.length, `${label}: numel`).toBe(want.length);
  for (let i = 0; i < want.length; i++) {
    if (!Object.is(x.data[i], want[i])) expect.fail(`${label}: element ${i} is ${x.data[i]}, expected ${want[i]}`);
  }
}

/** Assert two tensors are bit-identical (dtype, shape, every byte). */
export function expectBitIdentical(a: unknown, b: Tensor, label: string): void {
  expect(a, label).toBeInstanceOf(Tensor);
  const x = a as Tensor;
  expect(x.dtype, `${label}: dtype`).toBe(b.dtype);
  expect([...x.shape], `${label}: shape`).toEqual([...b.shape]);
  const ua = new Uint8Array(x.data.buffer, x.data.byteOffset, x.data.byteLength);
  const ub = new Uint8Array(b.data.buffer, b.data.byteOffset, b.data.byteLength);
  expect(Buffer.compare(ua, ub), `${label}: bytes`).toBe(0);
}

/** A fresh temporary directory and its remover. */
export function tempDir(prefix = 'nodetorch-io-'): { dir: string; cleanup: () => void } {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  return { dir, cleanup: () => rmSync(dir, { recursive: true, force: true }) };
}

/** Concatenate chunks into one Uint8Array. */
export function concat(chunks: readonly Uint8Array[]): Uint8Array {
  return new Uint8Array(Buffer.concat(chunks.map((c) => Buffer.from(c.buffer, c.byteOffset, c.byteLength))));
}
