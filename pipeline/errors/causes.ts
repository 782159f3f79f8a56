/** The fields client libraries put on their errors, any of which may be missing or of another type. */
export interface ErrorFields {
  readonly name?: unknown;
  readonly message?: unknown;
  readonly code?: unknown;
  readonly type?: unknown;
}

/**
 * The first answer `pick` gives for an error or one of its causes (client libraries wrap the socket's or the
 * broker's error, some more than once), looked for at most 8 deep so a cyclic chain cannot loop.
 */
export function findAlongCauses<T>(err: unknown, pick: (e: ErrorFields) => T | undefined): T | undefined {
  let current: unknown = err;
  for (let depth = 0; depth < 8 && typeof current === 'object' && current !== null; depth++) {
    const found = pick(current as ErrorFields);
    if (found !== undefined) return found;
    current = (current as { cause?: unknown }).cause;
  }
  return undefined;
}
