import { describe, expect, it } from 'vitest';
import { utils, models, nn } from '../../src/index.js';

describe('utils.summary', () => {
  it('lists every module call with depth, output shape and own parameters, and the totals (Inception1d)', () => {
    const model = new models.Inception1d();
    model.train();
    const s = utils.summary(model, [2, 1, 1200]);
    expect(s.totalParams).toBe(8882);
    expect(s.trainableParams).toBe(8882);
    expect(s.rows[0]).toMatchObject({ name: '', type: 'Inception1d', depth: 0, outputShape: [2, 2], params: null });
    expect(s.rows[1]).toMatchObject({ name: 'stem', type: 'Sequential', index: '1-1', outputShape: [2, 32, 300] });
    expect(s.rows[2]).toMatchObject({ name: 'stem.0', type: 'Conv1d', depth: 2, index: '2-1', outputShape: [2, 32, 600], params: 256 });
    const leafParams = s.rows.filter((r) => r.params !== null).reduce((a, r) => a + r.params!, 0);
    expect(leafParams).toBe(8882);
    expect(s.rows).toHaveLength(model.namedModules().length);
    expect(model.training).toBe(true); // mode restored
    expect(model.modules().some((m) => Object.prototype.hasOwnProperty.call(m, 'forward'))).toBe(false); // hooks removed
    expect(model.parameters().every((p) => p.grad === null)).toBe(true);
    const text = s.toString();
    expect(text).toContain('Layer (type:depth-idx)');
    expect(text).toMatch(/│ {4}└─Conv1d: 2-1 +\[2, 32, 600\] +256/);
    expect(text).toContain('Total params: 8,882');
  });

  it('counts frozen parameters as non-trainable and rejects bad arguments', () => {
    const m = new nn.Sequential(new nn.Linear(4, 3), new nn.Linear(3, 2));
    m.getSubmodule('0').requiresGrad_(false);
    const s = utils.summary(m, [5, 4]);
    expect([s.totalParams, s.trainableParams]).toEqual([23, 8]);
    expect(s.toString()).toContain('Non-trainable params: 15');
    expect(() => utils.summary(m, [5, 0])).toThrow(/^summary: expected inputShape/);
    expect(() => utils.summary({} as any, [1])).toThrow(/^summary: expected a Module/);
  });
});
