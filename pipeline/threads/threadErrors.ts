import * as taskstreamErrors from '../errors.js';

/** An error as a pool thread sends it back (threadEntry.js makes it). */
export interface SerializedError {
  readonly name: string;
  readonly message: string;
  readonly stack: string | undefined;
  /** Constructor names from the error's own class up to Error, e.g. ImageUndecodableError, UnrecoverableError, … */
  readonly classes: readonly string[];
  /** Its own fields that are plain data: name, code, retriable, timeoutMs… */
  readonly props: Readonly<Record<string, string | number | boolean | null>>;
  readonly cause: SerializedError | undefined;
}

/** What a call into a pool thread answers. */
export type ThreadAnswer =
  { readonly ok: true; readonly value: unknown } | { readonly ok: false; readonly error: SerializedError };

type ErrorClass = abstract new (...args: never[]) => Error;

function isErrorClass(value: unknown): value is ErrorClass {
  return typeof value === 'function' && (value === Error || value.prototype instanceof Error);
}

const candidates: unknown[] = [
  ...Object.values(taskstreamErrors),
  Error,
  TypeError,
  RangeError,
  SyntaxError,
  ReferenceError,
  EvalError,
  URIError,
  AggregateError,
];
/** The classes an error can come back as: taskstream's own and JavaScript's standard ones. */
const KNOWN = new Map(candidates.filter(isErrorClass).map((cls) => [cls.name, cls]));

/**
 * Rebuilds a thread's error in this thread: its name, message, stack, code, retriable flag and other plain
 * fields as they were, and an instance of the nearest class this thread knows along its class chain. So an
 * `ImageUndecodableError extends UnrecoverableError` thrown in a thread is here an `instanceof
 * UnrecoverableError` named ImageUndecodableError (the name the dead letter's ts-error-class shows), and the
 * retry policy decides on it as if it had been thrown in this thread.
 */
export function reviveError(serialized: SerializedError): Error {
  const cls = serialized.classes.map((name) => KNOWN.get(name)).find((c) => c !== undefined) ?? Error;
  const cause = serialized.cause === undefined ? undefined : { cause: reviveError(serialized.cause) };
  const err = new Error(serialized.message, cause);
  Object.setPrototypeOf(err, cls.prototype);
  Object.assign(err, serialized.props);
  // A class that never set its own name inherits one; the thread's name wins.
  if (err.name !== serialized.name) err.name = serialized.name;
  err.stack = serialized.stack ?? `${serialized.name}: ${serialized.message}`;
  return err;
}
