/**
 * The name of the public function the user called, found from the call stack: the outermost frame that
 * belongs to this package (src/ or dist/) before user code. Used only on the slow path of an error that
 * is raised deep inside the library (e.g. the Tensor `data` getter finding a detached buffer), so that the
 * message still starts with the op the user called (`relu: ...`, `crossEntropy: ...`) without every op
 * passing its name down. Costs nothing until an error is thrown.
 */
import { fileURLToPath } from 'node:url';

const ROOT_URL = new URL('../', import.meta.url).href;
const ROOT_PATH = fileURLToPath(ROOT_URL);

/** `at name (location:line:col)` or `at location:line:col` (anonymous). */
const FRAME = /^\s*at (?:async )?(?:new )?(?:(.*?) \((.*)\)|(.*))$/;

/**
 * Frames that only dispatch to the public function (a module's `call` through its Proxy): transparent, so
 * that `model.call(x)` reports the module's forward (`Linear.forward`) that met the problem.
 */
const DISPATCH = /^Proxy\.|\.call$|^Module\.call/;

/** The public function on the call stack (e.g. 'relu', 'Linear.forward'), or `fallback`. */
export function callerOpName(fallback: string): string {
  const saved = Error.stackTraceLimit;
  Error.stackTraceLimit = 200;
  const stack = new Error().stack ?? '';
  Error.stackTraceLimit = saved;
  let name: string | null = null;
  for (const line of stack.split('\n').slice(2)) {
    const m = FRAME.exec(line);
    if (!m) continue;
    const location = m[2] ?? m[3] ?? '';
    if (!/[:/\\]/.test(location) || location === 'native') continue; // builtins (Array.map) are transparent
    if (!location.startsWith(ROOT_URL) && !location.startsWith(ROOT_PATH)) break; // user code
    if (m[1] && !m[1].startsWith('<') && !DISPATCH.test(m[1])) name = m[1];
  }
  return name === null ? fallback : cleanName(name);
}

/** `Tensor.relu` -> `relu`, `Object.conv1d` -> `conv1d`; other classes keep their name (`Linear.forward`). */
function cleanName(name: string): string {
  const short = name.replace(/^(?:Tensor|Parameter|Object|Module)\./, '').replace(/ \[as .*\]$/, '');
  return ALIASES[short] ?? short;
}

/** Functions exported under PyTorch's name: `variance` is `var` (a reserved word as a function name). */
const ALIASES: Record<string, string> = { variance: 'var' };
