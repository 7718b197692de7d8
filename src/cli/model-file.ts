/**
 * The trained model as the CLI saves it and `predict` / `evaluate` read it back: the state dict (a
 * PyTorch-loadable .safetensors and/or .pth) plus what is needed to use it: architecture, number of
 * classes, label base and input normalisation. That description is stored in the safetensors
 * `__metadata__` (key `nodetorch_model`) and, for the .pth that PyTorch reads as a plain state dict, in
 * a JSON file beside it (`<name>.json`).
 */
import { existsSync, readFileSync } from 'node:fs';
import type { Tensor } from '../tensor.js';
import type { Module } from '../nn/module.js';
import { Inception1d } from '../models/inception1d.js';
import { Cnn1d } from '../models/cnn1d.js';
import { load, save } from '../io/index.js';
import { readSafetensors } from '../io/safetensors.js';
import { writeFileAtomic } from '../io/atomic-write.js';
import type { ModelName } from './args.js';
import type { NormalizeSpec } from './data.js';
import { UsageError } from './flags.js';

export const MODEL_META_KEY = 'nodetorch_model';

export interface ModelInfo {
  model: ModelName;
  numClasses: number;
  /** 1 when the training file's labels were 1-based: predictions are reported in the file's labelling. */
  labelBase: 0 | 1;
  normalize: NormalizeSpec;
  /** Series length the model was trained on (informational; the models accept any length). */
  length?: number;
}

/** A fresh model of the given architecture. */
export function buildModel(name: ModelName, numClasses: number): Module {
  switch (name) {
    case 'inception1d': return new Inception1d(numClasses);
    case 'cnn1d': return new Cnn1d(numClasses);
    default: throw new UsageError(`--model: expected inception1d or cnn1d, got '${String(name)}'`);
  }
}

/** Save a state dict in the requested formats with its ModelInfo; returns the files written. */
export function saveModelFiles(stateDict: Map<string, Tensor>, info: ModelInfo, stem: string, formats: readonly ('safetensors' | 'pth')[]): string[] {
  const files: string[] = [];
  const meta = JSON.stringify(info);
  for (const ext of formats) {
    const path = `${stem}.${ext}`;
    save(stateDict, path, ext === 'safetensors' ? { metadata: { [MODEL_META_KEY]: meta } } : {});
    files.push(path);
  }
  const side = `${stem}.json`;
  writeFileAtomic(side, Buffer.from(`${JSON.stringify(info, null, 2)}\n`));
  files.push(side);
  return files;
}

/** The architecture a state dict's keys belong to (for files without a description). */
function guessModel(keys: readonly string[]): ModelName {
  if (keys.includes('stem.0.weight')) return 'inception1d';
  if (keys.includes('features.0.weight')) return 'cnn1d';
  throw new UsageError(`--model: the state dict's keys (${keys.slice(0, 3).join(', ')}, ...) match no built-in model`);
}

/** Load a model file written by `nodetorch train` (or a plain state dict of a built-in model). */
export function loadModelFile(path: string, op: string): { model: Module; info: ModelInfo; notes: string[] } {
  if (!existsSync(path)) throw new UsageError(`--model: ${path} does not exist`);
  const notes: string[] = [];
  let state: Record<string, Tensor>;
  let info: Partial<ModelInfo> | null = null;
  if (/\.safetensors$/i.test(path)) {
    const f = readSafetensors(path);
    state = f.tensors;
    const meta = f.metadata?.[MODEL_META_KEY];
    if (meta) {
      try {
        info = JSON.parse(meta) as ModelInfo;
      } catch (e) {
        throw new RangeError(`${op}: ${path}: corrupt ${MODEL_META_KEY} metadata (${(e as Error).message})`);
      }
    }
  } else {
    const obj = load(path);
    state = (obj instanceof Map ? Object.fromEntries(obj) : obj) as Record<string, Tensor>;
  }
  const side = path.replace(/\.(safetensors|pth|pt)$/i, '.json');
  if (!info && side !== path && existsSync(side)) info = JSON.parse(readFileSync(side, 'utf8')) as ModelInfo;
  const keys = Object.keys(state);
  const model = info?.model ?? guessModel(keys);
  const head = keys.filter((k) => /\.weight$/.test(k)).map((k) => state[k]).filter((t) => t.ndim === 2).pop();
  const numClasses = info?.numClasses ?? head?.shape[0];
  if (!numClasses) throw new RangeError(`${op}: ${path}: cannot tell the number of classes (no linear head)`);
  if (!info) notes.push(`${path} carries no nodetorch description: ${model}, ${numClasses} classes, no normalisation, 0-based labels`);
  const full: ModelInfo = { model, numClasses, labelBase: info?.labelBase ?? 0, normalize: info?.normalize ?? { mode: 'none' }, length: info?.length };
  const m = buildModel(full.model, full.numClasses);
  m.loadStateDict(state);
  m.eval();
  return { model: m, info: full, notes };
}
