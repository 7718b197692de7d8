/** Global autograd switch (torch.no_grad / torch.enable_grad). */
let enabled = true;

/** Whether ops record autograd history now (torch.is_grad_enabled); false inside `noGrad`. */
export function isGradEnabled(): boolean {
  return enabled;
}

/** Set whether operations record history; returns the previous value. */
export function setGradEnabled(on: boolean): boolean {
  // A non-boolean would become the global grad mode and leak into every later op.
  if (typeof on !== 'boolean') throw new TypeError(`setGradEnabled: expected a boolean, got ${typeof on}`);
  const prev = enabled;
  enabled = on;
  return prev;
}

/**
 * Run fn without recording operations for autograd (like `with torch.no_grad():`). Results of fn do not
 * require grad. Async functions are not supported: the mode is restored when fn returns.
 */
export function noGrad<T>(fn: () => T): T {
  return withGradMode('noGrad', false, fn);
}

/** Run fn with recording on, even inside noGrad (torch.enable_grad). */
export function enableGrad<T>(fn: () => T): T {
  return withGradMode('enableGrad', true, fn);
}

/** Run fn (checked for `op`) with the grad mode set to `on`, and restore the previous mode after it. */
function withGradMode<T>(op: string, on: boolean, fn: () => T): T {
  if (typeof fn !== 'function') throw new TypeError(`${op}: expected a function, got ${typeof fn}`);
  const prev = setGradEnabled(on);
  try {
    return fn();
  } finally {
    setGradEnabled(prev);
  }
}
