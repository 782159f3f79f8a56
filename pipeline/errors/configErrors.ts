import { TaskstreamError } from './TaskstreamError.js';

/** Options are wrong; raised at construction, with what is wrong and how to fix it. */
export class ConfigError extends TaskstreamError {
  constructor(message: string) {
    super('CONFIG_INVALID', message);
  }
}

export class StackError extends TaskstreamError {
  constructor(message: string, cause?: unknown) {
    super('STACK_FAILED', message, { cause });
  }
}
