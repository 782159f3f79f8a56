/**
 * The one error taxonomy of taskstream, gathered from pipeline/errors/: every error carries a stable `code`, a
 * `retriable` decision and the `cause` it wraps. Dispatch on `instanceof` or `code`, never on message text.
 */
export { failureCode, TaskstreamError, type ErrorCode } from './errors/TaskstreamError.js';
export { isRetriable, toError } from './errors/thrown.js';
export { ConfigError, StackError } from './errors/configErrors.js';
export { AuthenticationError, ServiceRefusedError, ServiceUnavailableError, TlsError } from './errors/serviceErrors.js';
export {
  DecodeError,
  PayloadInvalidError,
  PayloadTooLargeError,
  RegistryConflictError,
  RegistryUnavailableError,
  SchemaIncompatibleError,
} from './errors/payloadErrors.js';
export { RecordTooLargeError, SendFailedError } from './errors/sendErrors.js';
export {
  HandlerTimeoutError,
  LockBusyError,
  LockLostError,
  LockUnavailableError,
  UnrecoverableError,
} from './errors/handlerErrors.js';
