import { describe, expect, it } from 'vitest';
import * as nn from '../../src/nn/index.js';
import { Tensor } from '../../src/tensor.js';
import { ones, randn, tensor, zeros } from '../../src/creation.js';
import { relu } from '../../src/ops/relu.js';
import { Generator } from '../../src/util/generator.js';

/** A user-style module: fields assigned in the constructor register themselves. */
class Net extends nn.Module {
  fc1: nn.Linear;
  act = new nn.ReLU();
  fc2: nn.Linear;
  scale: nn.Parameter;
  declare counter: Tensor;
  plain = 3;

  constructor() {
    super();
    this.fc1 = new nn.Linear(4, 8, { generator: new Generator(1) });
    this.fc2 = new nn.Linear(8, 2, { generator: new Generator(2) });
    this.scale = new nn.Parameter(ones([1]));
    this.registerBuffer('counter', zeros([], { dtype: 'int64' }));
    this.registerBuffer('scratch', zeros([2]), false);
  }

  override forward(x: Tensor): Tensor {
    return this.fc2.call(this.act.call(this.fc1.call(x))).mul(this.scale);
  }
}

describe('Module registration', () => {
  it('assigning Parameters and Modules to fields registers them in assignment order', () => {
    const net = new Net();
    expect(net.namedChildren().map(([k]) => k)).toEqual(['act', 'fc1', 'fc2']);
    expect(net.namedParameters().map(([k]) => k)).toEqual(['scale', 'fc1.weight', 'fc1.bias', 'fc2.weight', 'fc2.bias']);
    expect(net.parameters().map((p) => p.numel())).toEqual([1, 32, 8, 16, 2]);
    expect(net.namedBuffers().map(([k]) => k)).toEqual(['counter', 'scratch']);
    expect(net.plain).toBe(3);
    expect(net.fc1).toBeInstanceOf(nn.Linear);
    expect(net.counter.dtype).toBe('int64');
  });

  it('the state dict holds own params, persistent buffers, then children; values share storage', () => {
    const net = new Net();
    const sd = net.stateDict();
    expect([...sd.keys()]).toEqual(['scale', 'counter', 'fc1.weight', 'fc1.bias', 'fc2.weight', 'fc2.bias']);
    const w = sd.get('fc1.weight')!;
    expect(w).not.toBe(net.fc1.weight);
    expect(w.requiresGrad).toBe(false);
    expect(w.data).toBe(net.fc1.weight.data);
    expect(net.stateDict({ keepVars: true }).get('fc1.weight')).toBe(net.fc1.weight);
    expect([...net.stateDict({ prefix: 'model.' }).keys()][0]).toBe('model.scale');
  });

  it('re-assignment replaces, null clears, delete unregisters', () => {
    const net = new Net();
    const p = new nn.Parameter(randn([1]));
    net.scale = p;
    expect(net.parameters()[0]).toBe(p);
    (net as any).fc2 = null;
    expect(net.namedParameters().map(([k]) => k)).toEqual(['scale', 'fc1.weight', 'fc1.bias']);
    expect(String(net)).toContain('(fc2): None');
    net.counter = tensor(7, { dtype: 'int64' });
    expect(net.stateDict().get('counter')!.item()).toBe(7);
    (net as any).plain = new nn.Tanh(); // a plain field becomes a child module
    expect(net.namedChildren().map(([k]) => k)).toEqual(['act', 'fc1', 'plain']);
    delete (net as any).plain;
    delete (net as any).act;
    expect(net.namedChildren().map(([k]) => k)).toEqual(['fc1']);
    expect((net as any).act).toBeUndefined();
  });

  it('assigning the wrong kind of value to a registered name is a TypeError', () => {
    const net = new Net();
    expect(() => { (net as any).scale = ones([1]); }).toThrow(/cannot assign 'Tensor' as parameter 'scale' \(nn.Parameter or null expected\)/);
    expect(() => { (net as any).fc1 = 3; }).toThrow(/cannot assign 'number' as child module 'fc1' \(nn.Module or null expected\)/);
    expect(() => { (net as any).counter = 'x'; }).toThrow(/cannot assign 'string' as buffer 'counter' \(Tensor or null expected\)/);
  });

  it('explicit registration checks names and values', () => {
    const m = new nn.Module();
    expect(() => m.registerParameter('a.b', null)).toThrow(/registerParameter: parameter name can't contain ".", got "a.b"/);
    expect(() => m.registerParameter('', null)).toThrow(/registerParameter: parameter name can't be empty string/);
    expect(() => m.registerParameter('forward', null)).toThrow(/registerParameter: attribute 'forward' already exists/);
    expect(() => m.registerParameter('w', ones([2]) as never)).toThrow(/registerParameter: cannot assign 'Tensor' object to parameter 'w' \(nn.Parameter or null required\)/);
    expect(() => m.registerBuffer('b', 5 as never)).toThrow(/registerBuffer: cannot assign 'number' object to buffer 'b' \(Tensor or null required\)/);
    expect(() => m.registerModule('c', {} as never)).toThrow(/registerModule: Object is not a Module subclass/);
    m.registerModule('child', new nn.ReLU());
    m.registerParameter('child', new nn.Parameter(ones([1]))); // a name can move between kinds explicitly
    expect(m.namedChildren()).toEqual([]);
    expect(m.namedParameters().map(([k]) => k)).toEqual(['child']);
  });

  it('a Module without forward says so', () => {
    expect(() => new nn.Module().call(ones([1]))).toThrow(/Module \[Module\] is missing the required "forward" function/);
    expect(() => new nn.ModuleList().forward(ones([1]))).toThrow(/Module \[ModuleList\] is missing the required "forward" function/);
  });

  it('shared modules and parameters appear once', () => {
    const lin = new nn.Linear(2, 2);
    const seq = new nn.Sequential(lin, new nn.ReLU(), lin);
    expect(seq.parameters().length).toBe(2);
    expect(seq.modules().length).toBe(3);
    expect(seq.namedModules().map(([k]) => k)).toEqual(['', '0', '1']);
    expect([...seq.stateDict().keys()]).toEqual(['0.weight', '0.bias', '2.weight', '2.bias']);
  });
});

describe('Module behaviour', () => {
  it('forward and call run the computation', () => {
    const net = new Net();
    const x = randn([3, 4], { generator: new Generator(4) });
    const y = net.call(x);
    expect(y.shape).toEqual([3, 2]);
    const manual = net.fc2.forward(relu(net.fc1.forward(x)));
    expect(Array.from(y.data)).toEqual(Array.from(manual.data));
  });

  it('train/eval recurse and return this', () => {
    const net = new Net();
    expect(net.training).toBe(true);
    expect(net.eval()).toBe(net);
    expect(net.modules().every((m) => m.training === false)).toBe(true);
    net.train();
    expect(net.fc2.training).toBe(true);
    expect(() => net.train('yes' as never)).toThrow(/train: expected mode to be a boolean, got 'yes'$/);
  });

  it('zeroGrad sets grads to null by default, or zeroes them in place', () => {
    const net = new Net();
    net.call(ones([2, 4])).sum().backward();
    const g = net.fc1.weight.grad!;
    expect(g).not.toBeNull();
    net.zeroGrad({ setToNone: false });
    expect(net.fc1.weight.grad).toBe(g);
    expect(Array.from(g.data).every((v) => v === 0)).toBe(true);
    net.zeroGrad();
    expect(net.fc1.weight.grad).toBeNull();
  });

  it('requiresGrad_ toggles every parameter', () => {
    const net = new Net().requiresGrad_(false);
    expect(net.parameters().every((p) => !p.requiresGrad)).toBe(true);
  });

  it('apply visits children first, then the module', () => {
    const seen: string[] = [];
    new Net().apply((m) => seen.push(m.constructor.name));
    expect(seen).toEqual(['ReLU', 'Linear', 'Linear', 'Net']);
  });

  it('getSubmodule / getParameter / getBuffer follow dotted paths', () => {
    const seq = new nn.Sequential(new nn.Sequential(new nn.BatchNorm1d(3)));
    expect(seq.getSubmodule('0.0')).toBeInstanceOf(nn.BatchNorm1d);
    expect(seq.getParameter('0.0.weight').shape).toEqual([3]);
    expect(seq.getBuffer('0.0.running_var').data[0]).toBe(1);
    expect(() => seq.getSubmodule('0.1')).toThrow(/getSubmodule: Sequential has no attribute `1` \(path '0.1'\)/);
    expect(() => seq.getParameter('0.0.foo')).toThrow(/getParameter: BatchNorm1d has no parameter `foo`/);
  });
});

describe('Module.loadStateDict', () => {
  it('copies values in place (same tensor objects), converting dtypes', () => {
    const a = new Net();
    const b = new Net();
    const w = b.fc1.weight;
    const sd = a.stateDict();
    sd.set('counter', tensor(5, { dtype: 'float32' })); // float into an int64 buffer
    expect(b.loadStateDict(sd)).toEqual({ missingKeys: [], unexpectedKeys: [] });
    expect(b.fc1.weight).toBe(w);
    expect(Array.from(b.fc1.weight.data)).toEqual(Array.from(a.fc1.weight.data));
    expect(b.counter.dtype).toBe('int64');
    expect(b.counter.item()).toBe(5);
  });

  it('accepts a plain object', () => {
    const lin = new nn.Linear(2, 1);
    lin.loadStateDict({ weight: tensor([[1, 2]], { dtype: 'float32' }), bias: tensor([3], { dtype: 'float32' }) });
    expect(lin.call(tensor([[1, 1]], { dtype: 'float32' })).item()).toBe(6);
  });

  it("strict errors list missing and unexpected keys in PyTorch's words; non-strict returns them", () => {
    const lin = new nn.Linear(2, 1);
    // Each message is PyTorch 1.13's (RuntimeError there), shapes printed as nodetorch prints them.
    expect(() => lin.loadStateDict({ weight: zeros([1, 2]), extra: zeros([1]) })).toThrow(new RangeError(
      'Error(s) in loading state_dict for Linear:\n\tMissing key(s) in state_dict: "bias". \n\tUnexpected key(s) in state_dict: "extra". ',
    ));
    expect(lin.loadStateDict({ weight: ones([1, 2]), extra: zeros([1]) }, { strict: false })).toEqual({ missingKeys: ['bias'], unexpectedKeys: ['extra'] });
    expect(Array.from(lin.weight.data)).toEqual([1, 1]);
    expect(() => lin.loadStateDict({ weight: zeros([2, 2]), bias: zeros([1]) })).toThrow(new RangeError(
      'Error(s) in loading state_dict for Linear:\n\tsize mismatch for weight: copying a param with shape (2, 2) from checkpoint, the shape in current model is (1, 2).',
    ));
    // Non-strict still rejects a size mismatch, and an unexpected key's value is not looked at.
    expect(() => lin.loadStateDict({ weight: ones([1, 2]), bias: zeros([]), x: 'x' as never }, { strict: false })).toThrow(new RangeError(
      'Error(s) in loading state_dict for Linear:\n\tsize mismatch for bias: copying a param with shape () from checkpoint, the shape in current model is (1,).',
    ));
    expect(() => lin.loadStateDict({ weight: [1, 2] as never, bias: zeros([1]) })).toThrow(new RangeError(
      'Error(s) in loading state_dict for Linear:\n\tWhile copying the parameter named "weight", expected Tensor from checkpoint but received an array',
    ));
    expect(Array.from(lin.weight.data)).toEqual([1, 1]);
    expect(() => lin.loadStateDict(null as never)).toThrow(new TypeError(
      'loadStateDict: expected stateDict to be dict-like (a Map or a plain object of name -> Tensor), got null',
    ));
    expect(() => lin.loadStateDict(lin.stateDict(), { strict: 'yes' as never })).toThrow(new TypeError(
      "loadStateDict: expected strict to be a boolean, got 'yes'",
    ));
  });

  it('non-persistent buffers are neither saved nor expected', () => {
    const net = new Net();
    expect(net.stateDict().has('scratch')).toBe(false);
    expect(() => net.loadStateDict(new Map([...net.stateDict(), ['scratch', zeros([2])]]))).toThrow(/Unexpected key\(s\) in state_dict: "scratch"/);
  });
});

describe('Module repr', () => {
  it("matches PyTorch's layout for a user module", () => {
    const net = new Net();
    expect(String(net)).toBe(
      [
        'Net(',
        '  (act): ReLU()',
        '  (fc1): Linear(in_features=4, out_features=8, bias=True)',
        '  (fc2): Linear(in_features=8, out_features=2, bias=True)',
        ')',
      ].join('\n'),
    );
  });
});
