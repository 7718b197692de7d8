/**
 * A short JSON rendering of a value read from a file, for error messages. JSON.stringify would
 * recurse through the whole value (a 100,000-deep array overflows the stack) and copy all of it
 * into the message (a 10-million-element shape); this walks at most PREVIEW_DEPTH levels and stops
 * after about `max` characters.
 */
const PREVIEW_DEPTH = 3;

/**
 * `previewJson([[1, [2, [3, [4]]]], 'a'])` is `[[1,[2,[…]]],"a"]`; past `max` characters the text
 * ends in `…`. `undefined` (an absent field) is 'missing'.
 */
export function previewJson(v: unknown, max = 60): string {
  if (v === undefined) return 'missing';
  let out = '';
  const put = (s: string): boolean => {
    out += s;
    return out.length <= max;
  };
  const walk = (x: unknown, depth: number): boolean => {
    if (x === null || typeof x !== 'object') return put(JSON.stringify(x) ?? String(x));
    const isArr = Array.isArray(x);
    if (depth >= PREVIEW_DEPTH) return put(isArr ? '[…]' : '{…}');
    if (!put(isArr ? '[' : '{')) return false;
    let first = true;
    for (const k of Object.keys(x)) {
      if (!first && !put(',')) return false;
      first = false;
      if (!isArr && !put(`${JSON.stringify(k)}:`)) return false;
      if (!walk((x as Record<string, unknown>)[k], depth + 1)) return false;
    }
    return put(isArr ? ']' : '}');
  };
  return walk(v, 0) ? out : `${out.slice(0, max)}…`;
}
