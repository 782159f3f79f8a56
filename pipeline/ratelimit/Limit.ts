/** One rate limit (of a task type, or of one key of it): starts go through `run`. */
export interface Limit {
  /**
   * Runs `fn` as soon as the limit lets it start; an abort of `signal` before then rejects with its reason, and
   * `fn` never runs. With a permit free and nobody waiting, `fn` starts before `run` returns.
   */
  run<T>(fn: () => Promise<T>, signal: AbortSignal | undefined): Promise<T>;
  /**
   * Takes a start now if one is free and nobody waits before it; the caller then starts at once, and calls
   * `ended` when that run ends. False: nothing was taken (`run` waits for one).
   */
  tryStart(): boolean;
  /** A run started by `tryStart` ended. */
  ended(): void;
  /** Starts waiting now. */
  readonly waiting: number;
  /** Nothing waits or runs under it and it counts nothing that still matters: forgetting it changes nothing. */
  idle(now: number): boolean;
  /** Rejects every start waiting with `reason`, and starts nothing more. */
  stop(reason: unknown): void;
}

/** `fn()`, with a synchronous throw turned into a rejection. */
export function startNow<T>(fn: () => Promise<T>): Promise<T> {
  try {
    return fn();
  } catch (err) {
    return Promise.reject(err as Error);
  }
}
