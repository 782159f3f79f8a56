import { unframe } from '../../../pipeline/codec/ConfluentFrame.js';
import { RegistryClient } from '../../../pipeline/codec/RegistryClient.js';
import type { RegistryOptions } from '../../../pipeline/codec/RegistryEndpoint.js';
import { TaskCodec } from '../../../pipeline/codec/TaskCodec.js';
import type { IncomingRecord } from '../../../pipeline/kafka/records.js';
import { dlqTopicOf } from '../../../pipeline/retry/handOffHeaders.js';
import type { TaskDefinition } from '../../../pipeline/task/defineTask.js';
import { printTable, say } from '../shared/output.js';
import { positionOf, type DeadLetterRow } from './deadLetters.js';

export interface DecodedPayload {
  readonly schemaId: number | null;
  readonly payload: unknown;
  readonly decodeError: string | null;
  readonly hex: string | null;
}

export async function decodePayload(
  task: TaskDefinition,
  value: Buffer | null,
  registry: RegistryOptions,
): Promise<DecodedPayload> {
  let schemaId: number | null = null;
  try {
    schemaId = unframe(value).schemaId;
    const payload = await new TaskCodec(task, new RegistryClient(registry)).decode(value);
    return { schemaId, payload: jsonSafe(payload), decodeError: null, hex: null };
  } catch (err) {
    return {
      schemaId,
      payload: null,
      decodeError: err instanceof Error ? err.message : String(err),
      hex: value === null ? null : value.toString('hex'),
    };
  }
}

/** Avro values as JSON: bytes and fixed as hex strings, longs that do not fit a double as strings. */
function jsonSafe(value: unknown): unknown {
  return JSON.parse(
    JSON.stringify(value, (_k, v: unknown) => {
      if (typeof v === 'bigint') return v.toString();
      const b = v as { type?: unknown; data?: unknown };
      if (b && b.type === 'Buffer' && Array.isArray(b.data)) return Buffer.from(b.data as number[]).toString('hex');
      return v;
    }),
  );
}

export function printRows(rows: readonly DeadLetterRow[], status?: (r: DeadLetterRow) => string): void {
  const clip = (s: string, n: number): string => (s.length > n ? `${s.slice(0, n - 1)}…` : s);
  printTable(
    ['PARTITION', 'OFFSET', 'TASK ID', 'ERROR', 'MESSAGE', 'ATTEMPTS', 'FAILED AT', ...(status ? ['STATUS'] : [])],
    rows.map((r) => [
      r.partition,
      r.offset,
      r.taskId,
      r.errorClass || '-',
      clip(r.errorMessage.replace(/\s+/g, ' '), 60) || '-',
      r.attempts ?? '-',
      r.failedAt,
      ...(status ? [status(r)] : []),
    ]),
  );
}

export function printLetter(task: TaskDefinition, record: IncomingRecord, p: DecodedPayload): void {
  say(`dead letter ${positionOf(record)} of ${dlqTopicOf(task.topic)}`);
  say(`key        ${record.key === null ? '(none)' : record.key.toString()}`);
  say(`written    ${new Date(Number(record.timestamp)).toISOString()}`);
  say('headers');
  const names = Object.keys(record.headers);
  const width = Math.max(0, ...names.map((n) => n.length));
  for (const name of names) {
    const [first, ...rest] = (record.headers[name] ?? '').split('\n');
    say(`  ${name.padEnd(width)}  ${first}`);
    for (const line of rest) say(`  ${' '.repeat(width)}  ${line}`);
  }
  if (p.decodeError === null) {
    say(`payload (schema id ${p.schemaId}, read as task type ${task.name})`);
    say(JSON.stringify(p.payload, null, 2));
    return;
  }
  say(`payload does not decode: ${p.decodeError}`);
  say(p.hex === null ? 'value: (null)' : `value (${p.hex.length / 2} bytes, hex):`);
  for (let i = 0; p.hex !== null && i < p.hex.length; i += 64) say(`  ${p.hex.slice(i, i + 64)}`);
}

/** One dead letter as JSON (`dlq show --json`, the dashboard's letter view). */
export function letterJson(topic: string, record: IncomingRecord, payload: DecodedPayload) {
  return {
    topic,
    partition: record.partition,
    offset: record.offset,
    key: record.key === null ? null : record.key.toString(),
    timestamp: new Date(Number(record.timestamp)).toISOString(),
    headers: record.headers,
    ...payload,
  };
}
