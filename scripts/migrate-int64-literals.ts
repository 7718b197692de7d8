/**
 * Migration helper for the int64 inference of `tensor()` (see CHANGELOG.md): `tensor([1, 2])` of integer
 * JS numbers now gives int64, as torch.tensor does; before, it gave float32. This codemod finds calls
 * `tensor(<literal>)` / `x.tensor(<literal>)` whose data is a literal made only of integer numbers (and
 * booleans) and that pass no `dtype`, and adds `dtype: 'float32'` so they mean what they meant before:
 * `tensor([1, 2])` -> `tensor([1, 2], { dtype: 'float32' })`, and into an existing options object literal
 * `tensor([1, 2], { requiresGrad: true })` -> `tensor([1, 2], { dtype: 'float32', requiresGrad: true })`.
 *
 * Calls whose data is not a literal (a variable, a map over something) are listed for review, not edited:
 * whether they now give int64 depends on the values at run time.
 *
 * Usage: npx tsx scripts/migrate-int64-literals.ts [--write] [--comments] <file or dir>...
 * Without --write it prints what it would change. It edits text in place (no reformatting). With
 * --comments it edits the examples in comments (TSDoc `@example` lines, `//` lines) instead of the code.
 */
import { readFileSync, writeFileSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import ts from 'typescript';

/** 'int' for an all-integer (or bool+int) literal, 'bool' for all booleans, 'float' when a number is not an integer, 'unknown' otherwise. */
type Kind = 'int' | 'bool' | 'float' | 'empty' | 'unknown';

/** The numeric value of a literal leaf (`3`, `-3`, `+3`, `1e3`), or undefined when the node is not one. */
function numericLiteral(n: ts.Expression): number | undefined {
  if (ts.isParenthesizedExpression(n)) return numericLiteral(n.expression);
  if (ts.isNumericLiteral(n)) return Number(n.text.replace(/_/g, ''));
  if (ts.isPrefixUnaryExpression(n) && (n.operator === ts.SyntaxKind.MinusToken || n.operator === ts.SyntaxKind.PlusToken)) {
    const v = numericLiteral(n.operand);
    return v === undefined ? undefined : n.operator === ts.SyntaxKind.MinusToken ? -v : v;
  }
  if (ts.isIdentifier(n) && (n.text === 'NaN' || n.text === 'Infinity')) return n.text === 'NaN' ? NaN : Infinity;
  return undefined;
}

/** What dtype a data literal infers: the bits it holds (bools, integers, floats) or unknown. */
function literalKind(n: ts.Expression): Kind {
  let bools = false;
  let ints = false;
  let floats = false;
  let unknown = false;
  const visit = (e: ts.Expression): void => {
    if (ts.isParenthesizedExpression(e)) return visit(e.expression);
    if (ts.isArrayLiteralExpression(e)) {
      for (const x of e.elements) {
        if (ts.isSpreadElement(x) || ts.isOmittedExpression(x)) unknown = true;
        else visit(x);
      }
      return;
    }
    if (e.kind === ts.SyntaxKind.TrueKeyword || e.kind === ts.SyntaxKind.FalseKeyword) {
      bools = true;
      return;
    }
    const v = numericLiteral(e);
    if (v === undefined) unknown = true;
    else if (Number.isSafeInteger(v)) ints = true;
    else floats = true;
  };
  visit(n);
  if (floats) return 'float';
  if (unknown) return 'unknown';
  if (ints) return 'int';
  return bools ? 'bool' : 'empty';
}

/** Is the callee `tensor` or `<something>.tensor`? */
function isTensorCall(c: ts.CallExpression): boolean {
  const e = c.expression;
  return (ts.isIdentifier(e) && e.text === 'tensor') || (ts.isPropertyAccessExpression(e) && e.name.text === 'tensor');
}

interface Edit {
  pos: number;
  text: string;
}

/** The edits for one source file, plus lines for the review list. */
function migrate(file: string, src: string): { edits: Edit[]; review: string[] } {
  const sf = ts.createSourceFile(file, src, ts.ScriptTarget.Latest, true, file.endsWith('x') ? ts.ScriptKind.TSX : ts.ScriptKind.TS);
  const edits: Edit[] = [];
  const review: string[] = [];
  const where = (n: ts.Node) => `${file}:${sf.getLineAndCharacterOfPosition(n.getStart(sf)).line + 1}`;
  const visit = (n: ts.Node): void => {
    if (ts.isCallExpression(n) && isTensorCall(n) && n.arguments.length >= 1) {
      const [data, opts] = n.arguments;
      const kind = literalKind(data);
      const hasDtype = opts !== undefined && ts.isObjectLiteralExpression(opts)
        && opts.properties.some((p) => p.name !== undefined && ts.isIdentifier(p.name) && p.name.text === 'dtype');
      if (kind === 'int' && !hasDtype) {
        if (opts === undefined) edits.push({ pos: data.getEnd(), text: ", { dtype: 'float32' }" });
        else if (ts.isObjectLiteralExpression(opts)) {
          if (opts.properties.length === 0) edits.push({ pos: opts.getStart(sf) + 1, text: " dtype: 'float32' " });
          else edits.push({ pos: opts.properties[0].getStart(sf), text: "dtype: 'float32', " });
        } else review.push(`${where(n)}: integer literal with a non-literal options argument: ${n.getText(sf).slice(0, 100)}`);
      } else if (kind === 'unknown' && !hasDtype) {
        review.push(`${where(n)}: data is not a literal: ${n.getText(sf).slice(0, 100)}`);
      }
    }
    ts.forEachChild(n, visit);
  };
  visit(sf);
  return { edits, review };
}

function files(p: string): string[] {
  if (statSync(p).isDirectory()) return readdirSync(p).flatMap((f) => (f === 'node_modules' ? [] : files(join(p, f))));
  return /\.(m|c)?tsx?$/.test(p) && !p.endsWith('.d.ts') ? [p] : [];
}

/**
 * The same edits inside doc comments (`@example` lines and indented code in TSDoc): each comment line that
 * mentions `tensor(` is parsed on its own as code. Positions are offsets into the whole file.
 */
function migrateComments(file: string, src: string): { edits: Edit[]; review: string[] } {
  const edits: Edit[] = [];
  let offset = 0;
  for (const line of src.split('\n')) {
    const m = /^(\s*(?:\*|\/\/)\s*(?:@example\s+)?)(.*\btensor\(.*)$/.exec(line);
    if (m) {
      for (const e of migrate(file, m[2]).edits) edits.push({ pos: offset + m[1].length + e.pos, text: e.text });
    }
    offset += line.length + 1;
  }
  return { edits, review: [] };
}

const args = process.argv.slice(2);
const write = args.includes('--write');
const comments = args.includes('--comments');
let total = 0;
let changed = 0;
for (const f of args.filter((a) => !a.startsWith('--')).flatMap(files)) {
  const src = readFileSync(f, 'utf8');
  const { edits, review } = comments ? migrateComments(f, src) : migrate(f, src);
  for (const r of review) console.log(`review ${r}`);
  if (edits.length === 0) continue;
  total += edits.length;
  changed++;
  let out = src;
  for (const e of [...edits].sort((a, b) => b.pos - a.pos)) out = out.slice(0, e.pos) + e.text + out.slice(e.pos);
  if (write) writeFileSync(f, out);
  else console.log(`${f}: ${edits.length} call(s)`);
}
console.log(`${write ? 'edited' : 'would edit'} ${total} call(s) in ${changed} file(s)`);
