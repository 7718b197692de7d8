/**
 * Issue 11, finding 2: conv1d's workspaces were sized from the stride (one row per stride phase), so a
 * stride of 1e8 with one output position held 3.5 GB on wasm and 800 MB on native. Each backend runs the
 * call in a child process and reports its peak RSS, so a runaway allocation fails the test (and cannot take
 * vitest's own memory). Before the fix the peaks were ~3.6 GB (wasm) and ~840 MB (native).
 */
import { describe, expect, it } from 'vitest';
import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { testBackends } from '../helpers/backends.js';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));

/** Peak RSS (MB) of a child that runs `body` on backend `name` after loading the library; prints `out`. */
function runChild(name: string, body: string): { peakMb: number; out: string } {
  const script = `
    const nt = await import(${JSON.stringify(`${ROOT}src/index.ts`)});
    nt.setBackend(${JSON.stringify(name)});
    const before = process.resourceUsage().maxRSS;
    const out = await (async () => { ${body} })();
    console.log(JSON.stringify({ grewMb: (process.resourceUsage().maxRSS - before) / 1024, out }));`;
  const stdout = execFileSync(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], {
    cwd: ROOT, encoding: 'utf8', timeout: 120_000,
  });
  const { grewMb, out } = JSON.parse(stdout.trim().split('\n').pop()!);
  return { peakMb: grewMb, out: String(out) };
}

describe.each(testBackends().map((b) => [b.name]))('conv1d workspace memory on %s', (name) => {
  it('stride 1e8 and 2^31 - 1 with one output position: the right value, memory proportional to the work', () => {
    const { peakMb, out } = runChild(name, `
      const { ones, nn } = nt;
      const a = nn.functional.conv1d(ones([1, 1, 4]), ones([1, 1, 4]), null, { stride: 1e8 });
      const b = nn.functional.conv1d(ones([1, 1, 4]), ones([1, 1, 4]), null, { stride: 2 ** 31 - 1 });
      const x = ones([1, 1, 4]).requiresGrad_(), w = ones([1, 1, 4]).requiresGrad_();
      nn.functional.conv1d(x, w, null, { stride: 1e8 }).sum().backward();
      return [a.shape, a.item(), b.item(), [...x.grad.data], [...w.grad.data]].join('|');`);
    expect(out).toBe('1,1,1|4|4|1,1,1,1|1,1,1,1');
    expect(peakMb).toBeLessThan(100);
  });

  it('a dilation that the padding cancels (one output position) stays small, forward and backward', () => {
    const { peakMb, out } = runChild(name, `
      const { ones, nn } = nt;
      const x = ones([1, 1, 1]).requiresGrad_(), w = ones([1, 1, 2]).requiresGrad_();
      const y = nn.functional.conv1d(x, w, null, { dilation: 1e8, padding: 5e7 });
      y.sum().backward();
      return [y.shape, [...y.data], [...x.grad.data], [...w.grad.data]].join('|');`);
    // lOut = 1 + 1e8 - 1e8 = 1: the one position sees x at tap... neither tap (both fall in the padding).
    expect(out).toBe('1,1,1|0|0|0,0');
    expect(peakMb).toBeLessThan(100);
  });
});
