/** Every code a taskstream error can carry: stable, for dead letters, metrics and alerts to match on. */
export type ErrorCode =
  | 'CONFIG_INVALID'
  | 'SERVICE_UNAVAILABLE'
  | 'AUTH_FAILED'
  | 'TLS_FAILED'
  | 'PAYLOAD_INVALID'
  | 'PAYLOAD_TOO_LARGE'
  | 'RECORD_TOO_LARGE'
  | 'SEND_FAILED'
  | 'DECODE_FAILED'
  | 'SCHEMA_INCOMPATIBLE'
  | 'REGISTRY_UNAVAILABLE'
  | 'REGISTRY_CONFLICT'
  | 'HANDLER_TIMEOUT'
  | 'UNRECOVERABLE'
  | 'LOCK_BUSY'
  | 'LOCK_UNAVAILABLE'
  | 'LOCK_LOST'
  | 'SHUTDOWN'
  | 'STACK_FAILED'
  | 'DELAY_TOO_LONG'
  | 'CANCEL_FAILED';

export class TaskstreamError extends Error {
  readonly code: ErrorCode;
  readonly retriable: boolean;

  constructor(code: ErrorCode, message: string, options: { retriable?: boolean; cause?: unknown } = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = new.target.name;
    this.code = code;
    this.retriable = options.retriable ?? false;
  }
}

/**
 * The code a failure is known by in dead letters, retry copies and metrics alike: the code of an error that
 * follows taskstream's convention (a string `code` and a boolean `retriable`: ours, the shipped consumers', a
 * user's own classes), or HANDLER_ERROR for anything else a handler threw. Codes of other errors (Node's
 * ECONNRESET, a vendor's numbers) would make the metric's label unbounded; they stay in the message and class.
 */
export function failureCode(error: Error): string {
  if (error instanceof TaskstreamError) return error.code;
  const e = error as { code?: unknown; retriable?: unknown };
  return typeof e.code === 'string' && typeof e.retriable === 'boolean' ? e.code : 'HANDLER_ERROR';
}
