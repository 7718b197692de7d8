/** Classification metrics of the CLI: confusion matrix, per-class precision / recall / F1, a text table. */

export interface ClassMetrics {
  class: number;
  precision: number;
  recall: number;
  f1: number;
  /** Samples of this class (row sum of the confusion matrix). */
  support: number;
}

export interface ClassificationReport {
  accuracy: number;
  samples: number;
  /** confusionMatrix[true][predicted] */
  confusionMatrix: number[][];
  perClass: ClassMetrics[];
  macroF1: number;
}

/** An empty K x K confusion matrix. */
export function emptyConfusion(k: number): number[][] {
  return Array.from({ length: k }, () => new Array<number>(k).fill(0));
}

/** Add predictions to a confusion matrix (rows: true class, columns: predicted). */
export function addToConfusion(cm: number[][], truth: ArrayLike<number>, predicted: ArrayLike<number>): void {
  for (let i = 0; i < truth.length; i++) cm[truth[i]][predicted[i]]++;
}

/** Accuracy, per-class precision / recall / F1 (0 where undefined, as scikit-learn's zero_division=0) and macro F1. */
export function classificationReport(cm: number[][]): ClassificationReport {
  const k = cm.length;
  let correct = 0;
  let total = 0;
  const perClass: ClassMetrics[] = [];
  for (let c = 0; c < k; c++) {
    const tp = cm[c][c];
    let support = 0;
    let predicted = 0;
    for (let j = 0; j < k; j++) {
      support += cm[c][j];
      predicted += cm[j][c];
    }
    correct += tp;
    total += support;
    const precision = predicted > 0 ? tp / predicted : 0;
    const recall = support > 0 ? tp / support : 0;
    const f1 = precision + recall > 0 ? (2 * precision * recall) / (precision + recall) : 0;
    perClass.push({ class: c, precision, recall, f1, support });
  }
  const macroF1 = perClass.reduce((a, m) => a + m.f1, 0) / Math.max(1, k);
  return { accuracy: total > 0 ? correct / total : 0, samples: total, confusionMatrix: cm.map((r) => [...r]), perClass, macroF1 };
}

/** The report as text: accuracy, a per-class table and the confusion matrix. */
export function formatReport(r: ClassificationReport, classNames?: readonly string[]): string {
  const name = (c: number) => classNames?.[c] ?? String(c);
  const w = Math.max(5, ...r.perClass.map((m) => name(m.class).length));
  const lines = [`accuracy ${r.accuracy.toFixed(4)} (${r.samples} samples), macro F1 ${r.macroF1.toFixed(4)}`, ''];
  lines.push(`${'class'.padStart(w)}  precision  recall      f1  support`);
  for (const m of r.perClass) {
    lines.push(`${name(m.class).padStart(w)}  ${m.precision.toFixed(4).padStart(9)}  ${m.recall.toFixed(4).padStart(6)}  ${m.f1.toFixed(4).padStart(6)}  ${String(m.support).padStart(7)}`);
  }
  lines.push('', 'confusion matrix (rows: true class, columns: predicted)');
  const cw = Math.max(w, ...r.confusionMatrix.flat().map((v) => String(v).length));
  lines.push(`${''.padStart(w)}  ${r.perClass.map((m) => name(m.class).padStart(cw)).join(' ')}`);
  r.confusionMatrix.forEach((row, c) => lines.push(`${name(c).padStart(w)}  ${row.map((v) => String(v).padStart(cw)).join(' ')}`));
  return lines.join('\n');
}
