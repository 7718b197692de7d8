/** Shared by the ONNX tests: run an exported model in onnxruntime-node and compare with nodetorch's eval forward. */
import { expect } from 'vitest';
import * as ort from 'onnxruntime-node';
import { Tensor } from '../../src/tensor.js';
import type { Module } from '../../src/nn/module.js';
import { noGrad } from '../../src/autograd/grad-mode.js';
import { exportModelToBytes, type ExportOptions, type ExportResult } from '../../src/onnx/export.js';
import { expectClose } from '../helpers/allclose.js';

/** The tolerance for onnxruntime against nodetorch. */
export const RTOL = 1e-4;
export const ATOL = 1e-5;

/** Run ONNX bytes in onnxruntime on the given inputs (in graph-input order); the outputs in graph order. */
export async function runOrt(bytes: Uint8Array, inputs: readonly Tensor[]): Promise<{ data: Float32Array; dims: number[] }[]> {
  const session = await ort.InferenceSession.create(bytes);
  const feeds: Record<string, ort.Tensor> = {};
  session.inputNames.forEach((name, i) => {
    const t = inputs[i];
    const dims = [...t.shape];
    if (t.dtype === 'float32') feeds[name] = new ort.Tensor('float32', Float32Array.from(t.data), dims);
    else if (t.dtype === 'int64') feeds[name] = new ort.Tensor('int64', BigInt64Array.from(t.data, (v) => BigInt(v)), dims);
    else feeds[name] = new ort.Tensor('bool', Uint8Array.from(t.data), dims);
  });
  const out = await session.run(feeds);
  return session.outputNames.map((name) => ({ data: out[name].data as Float32Array, dims: [...out[name].dims] }));
}

/**
 * Export `model` traced on `sample`, run it in onnxruntime on `runInputs` (default the sample) and expect
 * the eval-mode forward's values and shapes. Returns the export for further checks.
 */
export async function expectOrtMatches(
  model: Module<any, any>, sample: Tensor | Tensor[], opts: ExportOptions = {}, runInputs?: Tensor[],
): Promise<ExportResult> {
  const samples = sample instanceof Tensor ? [sample] : sample;
  const result = exportModelToBytes(model, samples, opts);
  const inputs = runInputs ?? samples;
  model.eval();
  const want = noGrad(() => model.forward(...inputs)) as Tensor | Tensor[];
  const wants = want instanceof Tensor ? [want] : want;
  const got = await runOrt(result.bytes, inputs);
  expect(got.length).toBe(wants.length);
  got.forEach((g, i) => {
    expect(g.dims, `output ${i} shape`).toEqual([...wants[i].shape]);
    expectClose(g.data, wants[i].data, RTOL, ATOL, `output ${i}`);
  });
  return result;
}
