#!/usr/bin/env node
/**
 * `npm run train` runs this: the compiled CLI (dist/cli/main.js) when it is at least as new as every
 * file under src/, else the TypeScript sources through tsx. Transpiling the CLI's modules at start-up
 * costs about 1 s of CPU (and more wall time on a busy machine) against about 0.15 s for the compiled
 * JavaScript; a stale dist/ (sources edited since `npm run build:ts`) never runs.
 */
import { existsSync, readdirSync, statSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const compiled = join(root, 'dist', 'cli', 'main.js');

/** The newest modification time of the files under dir (recursively). */
function newestMtime(dir) {
  let newest = 0;
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    const p = join(dir, e.name);
    newest = Math.max(newest, e.isDirectory() ? newestMtime(p) : statSync(p).mtimeMs);
  }
  return newest;
}

const fresh = existsSync(compiled) && statSync(compiled).mtimeMs >= newestMtime(join(root, 'src'));
let cli;
if (fresh) {
  cli = await import(pathToFileURL(compiled).href);
} else {
  const { tsImport } = await import('tsx/esm/api');
  cli = await tsImport(pathToFileURL(join(root, 'src', 'cli', 'main.ts')).href, import.meta.url);
}
process.exitCode = await cli.main(process.argv.slice(2));
