/**
 * A table-driven flag parser for the CLI commands: `--flag value`, `--flag=value`, switches, `-h`.
 * Errors name the flag; an unknown flag suggests the nearest known one.
 */

export class UsageError extends Error {
  override name = 'UsageError';
}

type NumParser = (v: string, check: (x: number) => boolean, what: string) => number;

/** How one flag sets one key of the options object `T`. */
export type FlagSpec<T> = {
  key: keyof T;
  /** On `train --resume`: 'apply' the new value; otherwise a differing value is refused. */
  onResume?: 'apply';
} & (
  | { kind: 'string'; what: string }
  | { kind: 'number'; check: (x: number) => boolean; what: string }
  | { kind: 'choice'; choices: readonly string[] }
  | { kind: 'switch' }
  | { kind: 'custom'; parse: (v: string | undefined, num: NumParser) => unknown }
);

/** Levenshtein distance (small strings). */
export function editDistance(a: string, b: string): number {
  let prev = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const cur = [i];
    for (let j = 1; j <= b.length; j++) cur[j] = Math.min(prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + (a[i - 1] === b[j - 1] ? 0 : 1));
    prev = cur;
  }
  return prev[b.length];
}

/** The known name closest to `name`, if it is close enough to be a typo. */
export function nearest(name: string, known: readonly string[]): string | null {
  let best: string | null = null;
  let bestD = Infinity;
  for (const k of known) {
    const d = k.startsWith(name) && name.length >= 4 ? 0.5 : editDistance(name, k);
    if (d < bestD) {
      bestD = d;
      best = k;
    }
  }
  return best !== null && bestD <= Math.max(2, Math.floor(name.length / 4)) ? best : null;
}

function parseNumber(flag: string): NumParser {
  return (v, check, what) => {
    const x = Number(v);
    if (v.trim() === '' || !Number.isFinite(x) || !check(x)) throw new UsageError(`${flag}: expected ${what}, got '${v}'`);
    return x;
  };
}

/** Parse `argv` against `flags`, starting from `defaults`. */
export function parseFlags<T extends object>(argv: readonly string[], flags: Record<string, FlagSpec<T>>, defaults: T): { values: T; help: boolean; given: Set<string> } {
  const values = { ...defaults } as Record<keyof T, unknown>;
  const given = new Set<string>();
  let help = false;
  for (let i = 0; i < argv.length; i++) {
    let flag = argv[i];
    let inline: string | undefined;
    const eq = flag.indexOf('=');
    if (flag.startsWith('--') && eq > 0) {
      inline = flag.slice(eq + 1);
      flag = flag.slice(0, eq);
    }
    if (flag === '-h' || flag === '--help') {
      help = true;
      continue;
    }
    const spec = flags[flag];
    if (!spec) {
      const guess = flag.startsWith('-') ? nearest(flag, [...Object.keys(flags), '--help']) : null;
      throw new UsageError(`unknown option '${argv[i]}'${guess ? ` (did you mean ${guess}?)` : ''} (see --help)`);
    }
    given.add(flag);
    if (spec.kind === 'switch') {
      if (inline !== undefined) throw new UsageError(`${flag}: takes no value, got '${inline}'`);
      values[spec.key] = true;
      continue;
    }
    const v = inline !== undefined ? inline : argv[++i];
    const num = parseNumber(flag);
    switch (spec.kind) {
      case 'string':
        if (v === undefined || v === '') throw new UsageError(`${flag}: expected ${spec.what}`);
        values[spec.key] = v;
        break;
      case 'number':
        if (v === undefined) throw new UsageError(`${flag}: expected a value`);
        values[spec.key] = num(v, spec.check, spec.what);
        break;
      case 'choice':
        if (v === undefined || !spec.choices.includes(v)) {
          const list = spec.choices.length === 2 ? spec.choices.join(' or ') : `${spec.choices.slice(0, -1).join(', ')} or ${spec.choices[spec.choices.length - 1]}`;
          throw new UsageError(`${flag}: expected ${list}, got '${v ?? ''}'`);
        }
        values[spec.key] = v;
        break;
      case 'custom':
        if (v === undefined) throw new UsageError(`${flag}: expected a value`);
        values[spec.key] = spec.parse(v, num);
        break;
    }
  }
  return { values: values as T, help, given };
}
