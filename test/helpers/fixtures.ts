import { readFileSync } from 'node:fs';

/** Load a committed PyTorch fixture (written by test/fixtures/gen_fixtures.py). */
export function loadFixture<T = any>(name: string): T {
  return JSON.parse(readFileSync(new URL(`../fixtures/${name}`, import.meta.url), 'utf8')) as T;
}
