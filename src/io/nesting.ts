/**
 * Depth bound for values read from files. The pickle reader is a stack machine (no recursion), so a
 * small file can build a list nested 200,000 deep, or (through the memo) a list that contains itself;
 * anything that later walks such a value recursively (a state-dict check, structuredClone, printing)
 * would overflow the stack or loop forever. nodetorch never writes more than MAX_NESTING levels, so a
 * deeper or cyclic value is refused at load time, with a message, by this iterative walk.
 */
import { Tensor } from '../tensor.js';

/** Containers nested deeper than this are refused, on save and on load. */
export const MAX_NESTING = 1000;

/** The children of a container (array, Set, Map, plain object); null for a leaf (tensor, number, ...). */
function childrenOf(v: unknown): unknown[] | null {
  if (typeof v !== 'object' || v === null || v instanceof Tensor || ArrayBuffer.isView(v)) return null;
  if (Array.isArray(v)) return v;
  if (v instanceof Set) return [...v];
  if (v instanceof Map) return [...v.values()];
  const proto = Object.getPrototypeOf(v);
  return proto === Object.prototype || proto === null ? Object.values(v) : null;
}

/**
 * Throw `fail(message)` when `root` nests containers deeper than `max` levels or contains itself.
 * Linear in the number of containers (a container shared by several parents is walked once).
 */
export function checkNesting(root: unknown, fail: (msg: string) => never, max = MAX_NESTING): void {
  const finished = new Map<object, number>(); // container -> its height
  const onPath = new Set<object>();
  const path: { node: object; kids: unknown[]; next: number; height: number }[] = [];
  const enter = (v: unknown): number => {
    // the height of a leaf or finished container, or -1 after pushing a new container on the path
    const kids = childrenOf(v);
    if (kids === null) return 0;
    const known = finished.get(v as object);
    if (known !== undefined) return known;
    if (onPath.has(v as object)) fail('a container holds itself (cyclic structure)');
    if (path.length >= max) fail(`nesting deeper than ${max} levels`);
    onPath.add(v as object);
    path.push({ node: v as object, kids, next: 0, height: 1 });
    return -1;
  };
  const visit = (h: number): void => {
    const top = path[path.length - 1];
    if (h + 1 > top.height) top.height = h + 1;
    if (top.height + path.length - 1 > max) fail(`nesting deeper than ${max} levels`);
  };
  if (enter(root) === 0) return;
  while (path.length > 0) {
    const top = path[path.length - 1];
    if (top.next < top.kids.length) {
      const h = enter(top.kids[top.next++]);
      if (h >= 0) visit(h);
      continue;
    }
    path.pop();
    onPath.delete(top.node);
    finished.set(top.node, top.height);
    if (path.length > 0) visit(top.height);
  }
}
