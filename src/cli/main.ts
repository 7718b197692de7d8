#!/usr/bin/env node
/**
 * The `nodetorch` command. `nodetorch train [options]` (also `npm run train`); `nodetorch info` prints
 * the backend in use; `nodetorch run` launches a data-parallel job; `nodetorch --help`.
 */
import { pathToFileURL } from 'node:url';
import { realpathSync } from 'node:fs';
import { parseTrainArgs, TRAIN_HELP, UsageError } from './args.js';
import { train } from './train.js';
import { backendInfo } from '../backend/select.js';
import { parseRunArgs, run, RUN_HELP } from './run.js';

const HELP = `Usage: nodetorch <command> [options]

Commands:
  train    train the reference Inception1d (see nodetorch train --help)
  run      launch a data-parallel job: one process per rank (see nodetorch run --help)
  info     print the backend, native CPU variant, threads and wasm SIMD support
`;

export async function main(argv: readonly string[]): Promise<number> {
  const [cmd, ...rest] = argv;
  try {
    if (cmd === undefined || cmd === '-h' || cmd === '--help' || cmd === 'help') {
      process.stdout.write(HELP);
      return cmd === undefined ? 1 : 0;
    }
    if (cmd === 'info') {
      console.log(JSON.stringify(backendInfo(), null, 2));
      return 0;
    }
    if (cmd === 'train') {
      const { config, help } = parseTrainArgs(rest);
      if (help) {
        process.stdout.write(TRAIN_HELP);
        return 0;
      }
      await train(config);
      return 0;
    }
    if (cmd === 'run') {
      const config = parseRunArgs(rest);
      if (config === null) {
        process.stdout.write(RUN_HELP);
        return 0;
      }
      return await run(config);
    }
    throw new UsageError(`unknown command '${cmd}' (see nodetorch --help)`);
  } catch (e) {
    const msg = e instanceof Error ? e.message : String(e);
    console.error(`nodetorch: ${msg}`);
    return e instanceof UsageError ? 2 : 1;
  }
}

// Run when executed directly (node dist/cli/main.js, tsx src/cli/main.ts, or the npm bin link).
const entry = process.argv[1];
if (entry && import.meta.url === pathToFileURL(realpathSync(entry)).href) {
  main(process.argv.slice(2)).then((code) => {
    process.exitCode = code;
  });
}
