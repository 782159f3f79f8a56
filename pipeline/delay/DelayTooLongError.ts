import { TaskstreamError } from '../errors.js';

/** A delayed task waits longer than its task type accepts (maxDelayMs), or the type accepts none. Not retriable. */
export class DelayTooLongError extends TaskstreamError {
  constructor(
    readonly taskType: string,
    readonly delayMs: number,
    readonly maxDelayMs: number | undefined,
  ) {
    super(
      'DELAY_TOO_LONG',
      maxDelayMs === undefined
        ? `task "${taskType}" accepts no delayed tasks; declare maxDelayMs in its defineTask (at most 30 days)`
        : `task "${taskType}" accepts delays up to ${maxDelayMs} ms (maxDelayMs); this one waits ${delayMs} ms`,
      { retriable: false },
    );
  }
}
