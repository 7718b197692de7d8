/** The error raised for a malformed data file (CSV, .npy): it names the file, the row and the problem. */

/**
 * A data file that cannot be used as given. `path` is the file; `row` (1-based line of a CSV file)
 * and `column` (1-based cell) are set where they apply. The message carries all of them, e.g.
 * `readCsv: /data/train.csv row 7: expected 1201 cells like row 1, got 1199`.
 */
export class DataFileError extends Error {
  readonly path: string;
  readonly row: number | undefined;
  readonly column: number | undefined;

  constructor(op: string, path: string, problem: string, where: { row?: number; column?: number } = {}) {
    const loc = where.row !== undefined ? ` row ${where.row}${where.column !== undefined ? `, column ${where.column}` : ''}` : '';
    super(`${op}: ${path}${loc}: ${problem}`);
    this.name = 'DataFileError';
    this.path = path;
    this.row = where.row;
    this.column = where.column;
  }
}
