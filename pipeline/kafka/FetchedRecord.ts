import type { FetchedMessage, IncomingRecord, RawHeaders, RecordHeaders } from './records.js';

const NO_HEADERS: RecordHeaders = Object.freeze({});

/**
 * A fetched record taken for processing, in our own shape. Headers are turned into strings only when someone
 * reads them: a worker draining no-op tasks never does, and at hundreds of thousands of records a second the
 * conversion (one UTF-8 decode per header) was a measurable share of the runtime.
 */
export class FetchedRecord implements IncomingRecord {
  readonly offset: string;
  readonly key: Buffer | null;
  readonly value: Buffer | null;
  readonly timestamp: string;
  private raw: RawHeaders | undefined;
  private converted: RecordHeaders | undefined;

  constructor(
    readonly topic: string,
    readonly partition: number,
    message: FetchedMessage,
  ) {
    this.offset = message.offset;
    this.key = message.key ?? null;
    this.value = message.value;
    this.timestamp = message.timestamp;
    this.raw = message.headers;
  }

  /** A header repeated in the record keeps its last value. */
  get headers(): RecordHeaders {
    if (this.converted === undefined) {
      this.converted = toStrings(this.raw);
      this.raw = undefined;
    }
    return this.converted;
  }
}

/** One header of a record not yet taken, as text (the last value of a repeated header). */
export function headerText(message: FetchedMessage, name: string): string | undefined {
  const v = message.headers?.[name];
  return v === undefined ? undefined : lastText(v);
}

function toStrings(raw: RawHeaders | undefined): RecordHeaders {
  if (!raw) return NO_HEADERS;
  let headers: Record<string, string> | undefined;
  for (const [k, v] of Object.entries(raw)) {
    if (v === undefined) continue;
    headers ??= {};
    headers[k] = lastText(v);
  }
  return headers ?? NO_HEADERS;
}

function lastText(v: Buffer | string | readonly (Buffer | string)[]): string {
  return isList(v) ? String(v[v.length - 1]) : String(v);
}

function isList(v: Buffer | string | readonly (Buffer | string)[]): v is readonly (Buffer | string)[] {
  return Array.isArray(v);
}
