/**
 * y's first m rows of row.length floats each set to row (a bias broadcast over rows): the first row set,
 * then the filled part copied after itself (1, 2, 4, ... rows per copyWithin, one memmove each) rather
 * than m small sets.
 */
export function fillRows(y: Float32Array, row: Float32Array, m: number): void {
  const total = m * row.length;
  if (total === 0) return;
  y.set(row, 0);
  for (let filled = row.length; filled < total; filled *= 2) y.copyWithin(filled, 0, Math.min(filled, total - filled));
}
