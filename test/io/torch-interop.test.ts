/**
 * PyTorch reads the .pth files nodetorch writes. Runs only where a Python with torch is installed
 * (tried in order: $NODETORCH_PYTHON, /usr/bin/python3, python3); otherwise the suite is skipped with
 * the reason printed. To run it: install PyTorch for some python3 (e.g. `apt-get install python3-torch`)
 * and `npx vitest run test/io/torch-interop.test.ts` (or `NODETORCH_PYTHON=/path/to/python npx vitest ...`).
 */
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { Tensor } from '../../src/tensor.js';
import { tensor } from '../../src/creation.js';
import { noGrad } from '../../src/autograd/grad-mode.js';
import { Generator } from '../../src/util/generator.js';
import { Inception1d } from '../../src/models/index.js';
import { SGD } from '../../src/optim/index.js';
import { loadPth, savePth } from '../../src/io/pth.js';
import { saveCheckpoint } from '../../src/io/serialize.js';
import { encodeTensor } from '../../src/io/tensor-bytes.js';
import { expectClose } from '../helpers/allclose.js';
import { expected, fixture, tempDir } from './util.js';

function findTorchPython(): { python: string | null; reason: string } {
  const candidates = [process.env.NODETORCH_PYTHON, '/usr/bin/python3', 'python3'].filter((c): c is string => !!c);
  const tried: string[] = [];
  for (const py of candidates) {
    const r = spawnSync(py, ['-c', 'import torch'], { encoding: 'utf8', timeout: 120_000 });
    if (r.status === 0) return { python: py, reason: '' };
    tried.push(`${py}: ${r.error ? r.error.message : (r.stderr || '').trim().split('\n').pop()}`);
  }
  return { python: null, reason: `no python with torch (${tried.join('; ')})` };
}

const { python, reason } = findTorchPython();
if (!python) console.warn(`[skip] test/io/torch-interop.test.ts: ${reason}`);

const FIXTURE_DIR = fileURLToPath(new URL('../fixtures/', import.meta.url));

/** Loads each file with torch.load(weights_only=True) and prints a JSON description of its contents. */
const READER = String.raw`
import json, sys
import torch
sys.path.insert(0, sys.argv[1])

def enc(v):
    if isinstance(v, torch.Tensor):
        t = v.detach()
        raw = t.contiguous().numpy().tobytes().hex() if t.numel() > 0 else ""
        return {"$tensor": str(t.dtype), "shape": list(t.shape), "hex": raw, "ptr": t.storage().data_ptr(),
                "offset": t.storage_offset(), "requires_grad": v.requires_grad}
    if isinstance(v, dict):
        return {"$dict": type(v).__name__, "items": [[enc(k), enc(x)] for k, x in v.items()]}
    if isinstance(v, tuple):
        return {"$tuple": [enc(x) for x in v]}
    if isinstance(v, list):
        return [enc(x) for x in v]
    if isinstance(v, float):
        return {"$float": repr(v)}
    if isinstance(v, bool) or v is None or isinstance(v, str):
        return v
    if isinstance(v, int):
        return {"$int": str(v)}
    return {"$other": type(v).__name__}

out = {"version": torch.__version__}
for path in sys.argv[2:]:
    try:
        obj = torch.load(path, weights_only=True)
        mode = "weights_only"
    except Exception as e:
        # PyTorch < 2.0's weights_only unpickler has no BINFLOAT (opcode 71), so it cannot read any Python
        # float; later versions can. Fall back to the full loader only for that known limitation.
        if torch.__version__.startswith("1.") and "Unsupported operand 71" in str(e):
            obj = torch.load(path, weights_only=False)
            mode = "full"
        else:
            raise
    entry = {"mode": mode, "value": enc(obj)}
    if path.endswith("model.pth"):
        from gen_io import load_reference
        Inception1d = load_reference()
        m = Inception1d()
        m.load_state_dict(obj, strict=True)
        m.eval()
        exp = json.load(open(sys.argv[1] + "/io/expected.json"))
        x = torch.tensor(exp["batch"]["values"], dtype=torch.float32).reshape(exp["batch"]["shape"])
        with torch.no_grad():
            entry["logits"] = m(x).reshape(-1).tolist()
    if path.endswith("ckpt.pth"):
        from gen_io import load_reference
        m = load_reference()()
        m.load_state_dict(obj["model"])
        opt = torch.optim.SGD(m.parameters(), lr=1.0)
        opt.load_state_dict(obj["optimizer"])
        g = opt.param_groups[0]
        st = opt.state[g["params"][0]]
        entry["sgd"] = {"lr": g["lr"], "momentum": g["momentum"], "buf0": st["momentum_buffer"].reshape(-1)[:4].tolist()}
    out[path] = entry
print(json.dumps(out))
`;

interface PyTensor { $tensor: string; shape: number[]; hex: string; ptr: number; offset: number; requires_grad: boolean }

function runTorch(paths: string[]): any {
  const r = spawnSync(python as string, ['-c', READER, FIXTURE_DIR, ...paths], { encoding: 'utf8', timeout: 300_000, maxBuffer: 64 << 20 });
  if (r.status !== 0) throw new Error(`python failed (${r.status}): ${r.stderr}`);
  return JSON.parse(r.stdout);
}

/** The python description of a dict as a Map from decoded keys. */
function pyDict(v: any): Map<unknown, any> {
  expect(v.$dict, 'a dict').toBeDefined();
  return new Map(v.items.map(([k, x]: [any, any]) => [typeof k === 'object' && k !== null && '$int' in k ? Number(k.$int) : k, x]));
}

function expectSameTensor(py: PyTensor, t: Tensor, label: string): void {
  const dtype = { float32: 'torch.float32', int64: 'torch.int64', bool: 'torch.bool' }[t.dtype];
  expect(py.$tensor, `${label}: dtype`).toBe(dtype);
  expect(py.shape, `${label}: shape`).toEqual([...t.shape]);
  expect(py.hex, `${label}: bytes`).toBe(Buffer.from(encodeTensor(t, label)).toString('hex'));
  expect(py.requires_grad, `${label}: requires_grad`).toBe(false);
}

describe.skipIf(!python)('torch.load reads what savePth writes', () => {
  const tmp = tempDir();
  afterAll(tmp.cleanup);

  it('state dict, dtypes, shared storage, optimizer state and checkpoint load in PyTorch with the same values', () => {
    const exp = expected();
    // 1. A freshly initialised model: PyTorch must load it strictly and compute the same logits.
    const model = new Inception1d(2, { generator: new Generator(7) });
    model.eval();
    const modelPath = join(tmp.dir, 'model.pth');
    savePth(model.stateDict(), modelPath);
    const x = tensor(Float32Array.from(exp.batch.values), { shape: exp.batch.shape });
    const ours = noGrad(() => model.call(x));

    // 2. Every dtype, special floats, a 0-d and an empty tensor, two tensors sharing storage.
    const special = new Float32Array([Number.NaN, -0, Infinity, -Infinity, 1e-45, 0.1]);
    new Uint32Array(special.buffer)[0] = 0x7fc12345;
    const base = new Tensor(Float32Array.from([1, 2, 3, 4, 5, 6]), [6]);
    const dt = {
      special: new Tensor(special, [2, 3]),
      ints: new Tensor(Float64Array.from([2 ** 53 - 1, -(2 ** 53 - 1), 0, -1, 4294967296]), [5], 'int64'),
      mask: new Tensor(Uint8Array.from([1, 0, 1, 1]), [2, 2], 'bool'),
      scalar: new Tensor(Float64Array.from([42]), [], 'int64'),
      empty: new Tensor(new Float32Array(0), [0, 3]),
      base,
      view: new Tensor(base.data, [3, 2]),
    };
    const dtypesPath = join(tmp.dir, 'dtypes.pth');
    savePth(dt, dtypesPath);

    // 3. A checkpoint with the PyTorch optimizer state (floats, ints, None, bools, int keys).
    const trained = new Inception1d();
    trained.loadStateDict(loadPth(fixture('inception1d_state.pth')));
    const opt = new SGD(trained.parameters(), { lr: 0.003, momentum: 0.9 });
    opt.loadStateDict(loadPth(fixture('sgd_state.pth')));
    const ckptPath = join(tmp.dir, 'ckpt.pth');
    saveCheckpoint(ckptPath, { model: trained, optimizer: opt, epoch: 4, step: 9, metadata: { lr: 0.003, name: 'run' }, generator: new Generator(3) });

    const py = runTorch([modelPath, dtypesPath, ckptPath]);
    const torch2 = !String(py.version).startsWith('1.');

    const m = py[modelPath];
    expect(m.mode).toBe('weights_only');
    expect(m.value.$dict).toBe('OrderedDict');
    const msd = pyDict(m.value);
    const sd = model.stateDict();
    expect([...msd.keys()]).toEqual([...sd.keys()]);
    for (const [k, t] of sd) expectSameTensor(msd.get(k), t, k);
    expectClose(m.logits, ours.data, 1e-4, 1e-5, 'logits computed by PyTorch from our weights');

    const d = py[dtypesPath];
    expect(d.mode).toBe('weights_only');
    const dsd = pyDict(d.value);
    for (const [k, t] of Object.entries(dt)) expectSameTensor(dsd.get(k), t, k);
    expect(dsd.get('view').ptr).toBe(dsd.get('base').ptr); // storage sharing preserved
    expect(dsd.get('special').ptr).not.toBe(dsd.get('base').ptr);

    const c = py[ckptPath];
    expect(c.mode).toBe(torch2 ? 'weights_only' : 'full');
    const ck = pyDict(c.value);
    expect(ck.get('epoch')).toEqual({ $int: '4' });
    expect(ck.get('step')).toEqual({ $int: '9' });
    expect(ck.get('rng_state')).toEqual(new Generator(3).getState().map((v) => (Number.isNaN(v) ? { $float: 'nan' } : { $int: String(v) })));
    const meta = pyDict(ck.get('metadata'));
    expect(meta.get('lr')).toEqual({ $float: '0.003' });
    expect(meta.get('name')).toBe('run');
    const optd = pyDict(ck.get('optimizer'));
    const state = pyDict(optd.get('state'));
    expect([...state.keys()]).toEqual(Array.from({ length: 30 }, (_, i) => i)); // int keys, as PyTorch's
    expect(c.sgd.lr).toBe(0.003);
    expect(c.sgd.momentum).toBe(0.9);
    const buf0 = expected().sgd_state.state['0'].momentum_buffer.values.slice(0, 4);
    expectClose(c.sgd.buf0, Float32Array.from(buf0), 0, 0, 'momentum buffer seen by torch.optim.SGD');
  });
});
