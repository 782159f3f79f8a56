import { ConfigError } from '../errors.js';

/** PEM text, as a string or the bytes of a file read as is. */
export type Pem = string | Buffer;

/**
 * Throws a ConfigError unless `value` is PEM text (a `-----BEGIN` line). A file name given where the contents
 * belong is the usual mistake, and the message says so; other values are never quoted, as one may be a key.
 * `fileVariable` is the environment variable that takes a file instead.
 */
export function checkPem(field: string, value: unknown, fileVariable: string): void {
  const text = typeof value === 'string' ? value : Buffer.isBuffer(value) ? value.toString('latin1') : undefined;
  if (text === undefined) {
    throw new ConfigError(`${field} must be PEM text (a string or a Buffer), got ${typeOf(value)}`);
  }
  if (text.includes('-----BEGIN ')) return;
  if (looksLikeFileName(text)) {
    throw new ConfigError(
      `${field} must be the PEM text, not a file name ("${text}"): read it with fs.readFileSync, or set ${fileVariable}`,
    );
  }
  throw new ConfigError(`${field} is not PEM text (no "-----BEGIN" line)`);
}

function looksLikeFileName(text: string): boolean {
  return text.length < 512 && !/\s/.test(text) && (/[/\\]/.test(text) || /\.(pem|crt|cer|key)$/i.test(text));
}

function typeOf(value: unknown): string {
  return value === null ? 'null' : Array.isArray(value) ? 'an array' : typeof value;
}
