/** examples/export-onnx.ts (the README's "Export to ONNX") runs and onnxruntime agrees with nodetorch. */
import { describe, expect, it } from 'vitest';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

describe('examples/export-onnx.ts', () => {
  it('trains, exports with a dynamic batch and runs in onnxruntime with the same logits', () => {
    const dir = mkdtempSync(join(tmpdir(), 'nodetorch-onnx-example-'));
    try {
      const path = join(dir, 'inception1d.onnx');
      const r = spawnSync(process.execPath, ['--import', 'tsx', 'examples/export-onnx.ts'], {
        encoding: 'utf8', env: { ...process.env, ONNX_PATH: path },
      });
      expect(r.status, r.stderr).toBe(0);
      const m = /onnxruntime logits \[4,2\], max \|difference\| (\S+)/.exec(r.stdout);
      expect(m, r.stdout).not.toBeNull();
      expect(Number(m![1])).toBeLessThan(1e-4);
      expect(existsSync(path)).toBe(true);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
