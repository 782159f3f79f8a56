import { pino, stdSerializers, type DestinationStream, type Logger, type LoggerOptions } from 'pino';
import { maskUrl } from '../security/maskUrl.js';

export type { Logger };

/**
 * Fields that hold a secret wherever they are logged: credentials given as options (a `sasl` block, a registry's
 * auth) and HTTP authorization headers. Give them to a logger of your own as `redact: { paths: REDACT_PATHS }`.
 */
export const REDACT_PATHS: readonly string[] = [
  'password',
  '*.password',
  'sasl.password',
  '*.sasl.password',
  'token',
  '*.token',
  'authorization',
  '*.authorization',
  'headers.authorization',
  '*.headers.authorization',
];

/**
 * pino's error serializer, then every string in what it made (message, stack, a cause's, a URL field of the
 * error) with the passwords of its URLs masked: an error from a library may quote the address it was given.
 */
function serializeError(err: unknown): unknown {
  return maskStrings(stdSerializers.err(err as Error), 0);
}

function maskStrings(value: unknown, depth: number): unknown {
  if (typeof value === 'string') return maskUrl(value);
  if (depth > 6 || typeof value !== 'object' || value === null) return value;
  if (Array.isArray(value)) return value.map((v) => maskStrings(v, depth + 1));
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(value)) out[k] = maskStrings(v, depth + 1);
  return out;
}

/** The options every taskstream logger is made with: level from TASKSTREAM_LOG_LEVEL, secrets redacted. */
export function loggerOptions(defaultLevel: string, bindings: Record<string, unknown> = {}): LoggerOptions {
  return {
    level: process.env.TASKSTREAM_LOG_LEVEL ?? defaultLevel,
    base: { ...bindings },
    redact: { paths: [...REDACT_PATHS], censor: '***' },
    serializers: { err: serializeError },
  };
}

/** The process-wide structured logger; level from TASKSTREAM_LOG_LEVEL (default info). */
export function createLogger(bindings: Record<string, unknown> = {}, destination?: DestinationStream): Logger {
  const options = loggerOptions('info', bindings);
  return destination ? pino(options, destination) : pino(options);
}

let root: Logger | undefined;
export function rootLogger(): Logger {
  root ??= createLogger();
  return root;
}
