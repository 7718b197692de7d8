#!/usr/bin/env node
/**
 * The `nodetorch` command. `nodetorch train [options]` (also `npm run train`); `nodetorch predict` and
 * `nodetorch evaluate` run a trained model on a file; `nodetorch run` launches a data-parallel job;
 * `nodetorch info` prints the backend in use; `nodetorch --help`.
 */
import { pathToFileURL } from 'node:url';
import { realpathSync } from 'node:fs';
import { parseTrainArgs, TRAIN_HELP, UsageError } from './args.js';
import { train } from './train.js';
import { EVALUATE_HELP, PREDICT_HELP, evaluate, parseInferArgs, predict } from './infer.js';
import { nearest } from './flags.js';
import { backendInfo } from '../backend/select.js';
import { parseRunArgs, run, RUN_HELP } from './run.js';

const HELP = `Usage: nodetorch <command> [options]

Commands:
  train      train the reference Inception1d (see nodetorch train --help)
  predict    classify a CSV or .npy file with a trained model (nodetorch predict --help)
  evaluate   accuracy, per-class F1 and confusion matrix of a trained model on labelled data
  run        launch a data-parallel job: one process per rank (see nodetorch run --help)
  info       print the backend, native CPU variant, threads and wasm SIMD support
`;

const COMMANDS = ['train', 'predict', 'evaluate', 'run', 'info', 'help'];

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
      const { config, help, given } = parseTrainArgs(rest);
      if (help) {
        process.stdout.write(TRAIN_HELP);
        return 0;
      }
      await train(config, undefined, given);
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
    if (cmd === 'predict' || cmd === 'evaluate') {
      const { config, help } = parseInferArgs(cmd, rest);
      if (help) {
        process.stdout.write(cmd === 'predict' ? PREDICT_HELP : EVALUATE_HELP);
        return 0;
      }
      if (cmd === 'predict') {
        const csv = predict(config);
        if (!config.out) process.stdout.write(csv);
      } else {
        console.log(evaluate(config).text);
      }
      return 0;
    }
    const guess = nearest(cmd, COMMANDS);
    throw new UsageError(`unknown command '${cmd}'${guess ? ` (did you mean ${guess}?)` : ''} (see nodetorch --help)`);
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
