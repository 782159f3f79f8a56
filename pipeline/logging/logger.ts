import { pino, type Logger } from 'pino';

export type { Logger };

/** The process-wide structured logger; level from TASKSTREAM_LOG_LEVEL (default info). */
export function createLogger(bindings: Record<string, unknown> = {}): Logger {
  return pino({ level: process.env.TASKSTREAM_LOG_LEVEL ?? 'info', base: { ...bindings } });
}

let root: Logger | undefined;
export function rootLogger(): Logger {
  root ??= createLogger();
  return root;
}
