// errors.js, not index.js: pool threads load this file, and the whole library would add to every thread's start.
import { UnrecoverableError } from '../../pipeline/errors.js';

// Each is an UnrecoverableError (not retriable): the same request would fail the same way again. Errors the
// handler does not wrap (a disk, a network or a server that failed) keep the default: retried with backoff.

/** The source image is not there: no such file (or a folder), or the server answered 404 or 410. */
export class ImageNotFoundError extends UnrecoverableError {
  constructor(
    readonly source: string,
    detail: string,
    cause?: unknown,
  ) {
    super(`source image ${source} not found: ${detail}`, { cause });
  }
}

/** The source's bytes are not an image sharp can decode: another format, truncated, corrupt, too many pixels. */
export class ImageUndecodableError extends UnrecoverableError {
  constructor(
    readonly source: string,
    detail: string,
    cause?: unknown,
  ) {
    super(`source image ${source} cannot be decoded: ${detail}`, { cause });
  }
}

/** The task asks for something no attempt can do: no widths or impossible ones, a source it cannot address. */
export class ImageRequestError extends UnrecoverableError {
  constructor(message: string, cause?: unknown) {
    super(message, { cause });
  }
}
