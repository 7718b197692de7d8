/**
 * Counts `any` in the public type declarations: every .d.ts reachable from dist/index.d.ts through
 * relative imports/exports (and `import("./x.js")` types), parsed with the TypeScript compiler so that
 * comments and words like "any" in doc text are not counted; only `any` type nodes are.
 *
 * Usage: npm run build:ts && node scripts/count-dts-any.mjs
 * Prints each occurrence (file:line) and the total; exits 1 when there is one.
 */
import ts from 'typescript';
import { readFileSync, existsSync } from 'node:fs';
import { dirname, resolve, relative } from 'node:path';

const seen = new Set();
const hits = [];

/** The .d.ts a relative module specifier of `from` names, or null. */
function declarationOf(from, spec) {
  if (!spec.startsWith('.')) return null;
  const p = resolve(dirname(from), spec.replace(/\.js$/, '.d.ts'));
  return existsSync(p) ? p : null;
}

function visitFile(file) {
  if (seen.has(file)) return;
  seen.add(file);
  const sf = ts.createSourceFile(file, readFileSync(file, 'utf8'), ts.ScriptTarget.Latest, true);
  const walk = (n) => {
    let next = null;
    if ((ts.isImportDeclaration(n) || ts.isExportDeclaration(n)) && n.moduleSpecifier && ts.isStringLiteral(n.moduleSpecifier)) {
      next = declarationOf(file, n.moduleSpecifier.text);
    } else if (ts.isImportTypeNode(n) && ts.isLiteralTypeNode(n.argument) && ts.isStringLiteral(n.argument.literal)) {
      next = declarationOf(file, n.argument.literal.text);
    }
    if (next) visitFile(next);
    if (n.kind === ts.SyntaxKind.AnyKeyword) {
      const { line } = sf.getLineAndCharacterOfPosition(n.getStart(sf));
      hits.push(`${relative(process.cwd(), file)}:${line + 1}: ${sf.text.split('\n')[line].trim().slice(0, 150)}`);
    }
    ts.forEachChild(n, walk);
  };
  walk(sf);
}

visitFile(resolve('dist/index.d.ts'));
for (const h of hits) console.log(h);
console.log(`${hits.length} any in ${seen.size} public .d.ts files`);
process.exitCode = hits.length > 0 ? 1 : 0;
