import { describe, expect, it } from 'vitest';
import * as nn from '../../src/nn/index.js';
import { tensor } from '../../src/creation.js';
import { nnFixture } from './nn-fixtures.js';

describe('Sequential', () => {
  it('chains modules; indexes by position; appends', () => {
    const seq = new nn.Sequential(new nn.Flatten(0), new nn.ReLU());
    expect(seq.call(tensor([[-1, 2], [3, -4]], { dtype: 'float32' })).toArray()).toEqual([0, 2, 3, 0]);
    expect(seq.length).toBe(2);
    expect(seq[0]).toBeInstanceOf(nn.Flatten);
    expect(seq.at(-1)).toBeInstanceOf(nn.ReLU);
    seq.append(new nn.Sigmoid());
    expect([...seq].map((m) => m.constructor.name)).toEqual(['Flatten', 'ReLU', 'Sigmoid']);
    expect(() => seq.at(3)).toThrow(/Sequential: index 3 is out of range for 3 modules/);
  });

  it('takes named modules from a record', () => {
    const seq = new nn.Sequential({ fc: new nn.Linear(2, 2), act: new nn.Tanh() });
    expect(seq.namedChildren().map(([k]) => k)).toEqual(['fc', 'act']);
    expect([...seq.stateDict().keys()]).toEqual(['fc.weight', 'fc.bias']);
  });

  it('rejects non-modules', () => {
    expect(() => new nn.Sequential(new nn.ReLU(), 3 as never)).toThrow(/Sequential: expected a Module at position 1, got 3$/);
  });

  it('prints like PyTorch (empty)', () => {
    expect(String(new nn.Sequential())).toBe(nnFixture().reprs['Sequential()']);
  });
});

describe('ModuleList', () => {
  it('holds, appends, inserts and iterates', () => {
    const list = new nn.ModuleList([new nn.Linear(2, 2), new nn.ReLU()]);
    expect(String(list)).toBe(nnFixture().reprs.ModuleList);
    list.insert(1, new nn.Tanh());
    list.append(new nn.Sigmoid());
    expect([...list].map((m) => m.constructor.name)).toEqual(['Linear', 'Tanh', 'ReLU', 'Sigmoid']);
    expect(list.namedChildren().map(([k]) => k)).toEqual(['0', '1', '2', '3']);
    expect(list[1]).toBeInstanceOf(nn.Tanh);
    expect(list.length).toBe(4);
    expect(list.parameters().length).toBe(2);
  });
});

describe('ModuleDict', () => {
  it('holds modules by key in insertion order', () => {
    const d = new nn.ModuleDict({ act: new nn.ReLU(), fc: new nn.Linear(2, 3, { bias: false }) });
    expect(String(d)).toBe(nnFixture().reprs.ModuleDict);
    expect(d.keys()).toEqual(['act', 'fc']);
    expect(d.get('fc')).toBeInstanceOf(nn.Linear);
    expect(d.has('act')).toBe(true);
    d.set('out', new nn.Softmax(1));
    expect([...d]).toEqual(['act', 'fc', 'out']);
    expect(d.delete('act')).toBeInstanceOf(nn.ReLU);
    expect(d.entries().map(([k]) => k)).toEqual(['fc', 'out']);
    expect(d.values().length).toBe(2);
    expect([...d.stateDict().keys()]).toEqual(['fc.weight']);
    expect(() => d.set('keys', new nn.ReLU())).toThrow(/registerModule: attribute 'keys' already exists/);
  });
});
