import { TaskstreamError } from './TaskstreamError.js';

/** Never throws, whatever it is given. Errors from elsewhere count as retriable unless they say otherwise. */
export function isRetriable(err: unknown): boolean {
  if (err instanceof TaskstreamError) return err.retriable;
  try {
    if (typeof err === 'object' && err !== null && 'retriable' in err) {
      return (err as { retriable: unknown }).retriable !== false;
    }
  } catch {
    /* a throwing getter says nothing either way */
  }
  return true;
}

/**
 * Turns any thrown value (a string, undefined, null, a plain object) into an Error with a non-empty message,
 * keeping the original as `cause` (graphile-worker's coerceError) and its retry decision.
 */
export function toError(thrown: unknown): Error {
  if (thrown instanceof Error && thrown.message) return thrown;
  const message =
    thrown instanceof Error
      ? `${thrown.name || 'Error'} with an empty message`
      : `non-Error thrown: ${describe(thrown)}`;
  const err = new Error(message, { cause: thrown }) as Error & { retriable?: boolean; code?: unknown };
  err.name = thrown instanceof Error ? thrown.name || 'Error' : 'NonErrorThrown';
  // A wrapper must not turn "do not retry" into "retry".
  if (!isRetriable(thrown)) err.retriable = false;
  if (thrown instanceof TaskstreamError) err.code = thrown.code;
  return err;
}

function describe(value: unknown): string {
  if (value === undefined) return 'undefined';
  if (value === null) return 'null';
  if (typeof value === 'string') return value === '' ? '(empty string)' : JSON.stringify(value);
  try {
    const json = JSON.stringify(value);
    if (json !== undefined) return json.length > 200 ? `${json.slice(0, 200)}…` : json;
  } catch {
    /* circular: fall through */
  }
  try {
    return String(value);
  } catch {
    return Object.prototype.toString.call(value);
  }
}
