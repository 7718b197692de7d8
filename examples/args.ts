/**
 * Command-line knobs shared by the examples: `--steps N`, `--lr X`, ... (or the upper-case environment
 * variable, e.g. STEPS=20), so CI can run a few steps of each.
 */
export function numberArg(name: string, dflt: number): number {
  const i = process.argv.indexOf(`--${name}`);
  const raw = i >= 0 ? process.argv[i + 1] : process.env[name.toUpperCase()];
  if (raw === undefined || raw === '') return dflt;
  const v = Number(raw);
  if (!Number.isFinite(v) || v < 0) throw new RangeError(`--${name}: expected a non-negative number, got '${raw}'`);
  return v;
}

/** Prints `step S loss L` every `every` steps, L the mean loss of the steps since the last line. */
export class LossPrinter {
  private sum = 0;
  private count = 0;
  constructor(private readonly every: number) {}

  add(step: number, loss: number): void {
    this.sum += loss;
    this.count++;
    if (step % this.every === 0) {
      console.log(`step ${step} loss ${(this.sum / this.count).toFixed(4)}`);
      this.sum = 0;
      this.count = 0;
    }
  }
}
