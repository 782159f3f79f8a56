import { HandlerTimeoutError, toError } from '../errors.js';

export type HandlerOutcome = { readonly ok: true } | { readonly ok: false; readonly error: Error };

/**
 * Runs one attempt. Every thrown value is caught and normalised (a string, undefined, a TypeError alike):
 * nothing a handler throws may reach the Kafka client. The attempt ends at the timeout even if the handler
 * ignores its signal.
 */
export async function runHandler(
  fn: (signal: AbortSignal) => Promise<void> | void,
  timeoutMs: number,
  outer: AbortSignal,
): Promise<HandlerOutcome> {
  const controller = new AbortController();
  const onOuter = (): void => controller.abort(outer.reason);
  outer.addEventListener('abort', onOuter, { once: true });
  let timer: NodeJS.Timeout | undefined;
  const timedOut = new Promise<HandlerOutcome>((resolve) => {
    timer = setTimeout(() => {
      const err = new HandlerTimeoutError(timeoutMs);
      controller.abort(err);
      resolve({ ok: false, error: err });
    }, timeoutMs);
  });
  try {
    const attempt = (async (): Promise<HandlerOutcome> => {
      await fn(controller.signal);
      return { ok: true };
    })().catch((thrown: unknown): HandlerOutcome => ({ ok: false, error: toError(thrown) }));
    return await Promise.race([attempt, timedOut]);
  } finally {
    clearTimeout(timer);
    outer.removeEventListener('abort', onOuter);
  }
}
