/** Whether a handler's result is a promise (or any thenable) to wait for, rather than a synchronous return. */
export function isThenable(v: unknown): v is PromiseLike<unknown> {
  return typeof v === 'object' && v !== null && typeof (v as { then?: unknown }).then === 'function';
}
