import type { Command } from 'commander';
import { unframe } from '../../../pipeline/codec/ConfluentFrame.js';
import { RegistryClient } from '../../../pipeline/codec/RegistryClient.js';
import { TaskCodec } from '../../../pipeline/codec/TaskCodec.js';
import type { GroupAdmin } from '../../../pipeline/kafka/GroupAdmin.js';
import { brokersFromEnv, createKafka } from '../../../pipeline/kafka/KafkaConnection.js';
import { RangeReader, type OffsetRange } from '../../../pipeline/kafka/RangeReader.js';
import { RecordProducer } from '../../../pipeline/kafka/RecordProducer.js';
import type { IncomingRecord } from '../../../pipeline/kafka/records.js';
import type { TopicAdmin } from '../../../pipeline/kafka/TopicAdmin.js';
import { createRedis, pingRedis, redisUrlFromEnv } from '../../../pipeline/redis/redisConnection.js';
import { dlqTopicOf } from '../../../pipeline/retry/handOffHeaders.js';
import type { TaskDefinition } from '../../../pipeline/task/defineTask.js';
import { findTask } from '../config/loadConfig.js';
import {
  matches,
  positionOf,
  replayCopy,
  rowOf,
  type DeadLetterFilter,
  type DeadLetterRow,
} from '../dlq/deadLetters.js';
import { markReplayed, replayedKey, replayedPositions, withReplayLock } from '../dlq/replayMarkers.js';
import { parseIsoDateTime } from '../isoTime.js';
import { note, printJson, printTable, say } from '../shared/output.js';
import { cliLogger, configOf, OperationFailed, withKafka } from '../shared/services.js';
import { UsageError } from '../UsageError.js';

interface FilterOptions {
  error?: string;
  since?: string;
  until?: string;
  taskId?: string[];
  json?: boolean;
}

interface ReplayOptions extends FilterOptions {
  dryRun?: boolean;
  execute?: boolean;
  includeReplayed?: boolean;
}

const collect = (value: string, previous: string[] = []): string[] => [...previous, value];

function withFilters(command: Command): Command {
  return command
    .option('--error <text>', 'only dead letters whose error class or message contains this (any case)')
    .option('--since <iso>', 'only those that failed at or after this time, e.g. 2025-01-31T09:00:00Z')
    .option('--until <iso>', 'only those that failed before this time')
    .option('--task-id <id>', 'only this task id (repeat for more)', collect)
    .option('--json', 'print JSON');
}

function filterOf(opts: FilterOptions): DeadLetterFilter {
  const since = opts.since === undefined ? undefined : parseIsoDateTime('--since', opts.since);
  const until = opts.until === undefined ? undefined : parseIsoDateTime('--until', opts.until);
  if (since !== undefined && until !== undefined && since >= until) {
    throw new UsageError(`--since (${opts.since}) must be before --until (${opts.until})`);
  }
  return {
    ...(opts.error === undefined ? {} : { error: opts.error }),
    ...(since === undefined ? {} : { since }),
    ...(until === undefined ? {} : { until }),
    ...(opts.taskId === undefined ? {} : { taskIds: opts.taskId }),
  };
}

const REPLAY_HELP = `
Dry run is the default: it lists the dead letters the filters choose and whether each was replayed before.
--execute copies them to the task's topic with the idempotent producer: the same key and value bytes, the
task's own headers (so its task id, ts-id, stays the same), none of the failure headers (so the attempt
count starts again at 1), and ts-replayed-from: <partition>:<offset> of the dead letter. The dead letters
stay where they are.

Each dead letter is replayed once: what was copied is remembered in Redis, in the set
taskstream:replayed:<dlq topic> of <partition>:<offset>, so replaying the same range again copies nothing
new (--include-replayed copies them again). A committed consumer-group offset cannot remember this, since
filters choose a subset, not a prefix. Markers are written after each batch is acknowledged: if the
process dies in between, that batch is copied again by the next replay (same task ids, so dedupe catches
the repeat). Two replays of one type never run at once (a lock in Redis).`;

export function registerDlqCommand(program: Command): void {
  const dlq = program.command('dlq').description("a task type's dead letters (<topic>.dlq): list, show, replay");

  withFilters(
    dlq
      .command('list')
      .description('every dead letter of a task type, from the beginning of its DLQ to its current end (reads only)')
      .argument('<type>', 'task type name (from --config)'),
  ).action(async (type: string, opts: FilterOptions, cmd: Command) => {
    const filter = filterOf(opts);
    const task = findTask(await configOf(cmd), type);
    const topic = dlqTopicOf(task.topic);
    await withKafka(async (admins) => {
      const rows = (await readDeadLetters(admins, topic)).map(rowOf).filter((r) => matches(r, filter));
      if (opts.json) return printJson(rows);
      if (rows.length === 0) return say(`no dead letters in ${topic}${isFiltered(filter) ? ' match' : ''}`);
      printRows(rows);
      say(`${rows.length} dead letter${rows.length === 1 ? '' : 's'} in ${topic}`);
    });
  });

  dlq
    .command('show')
    .description('one dead letter: every header and the payload, decoded (or as hex, with why it does not decode)')
    .argument('<type>', 'task type name (from --config)')
    .argument('<offset>', '<partition>:<offset> as `dlq list` shows it (a bare offset when one partition has it)')
    .option('--json', 'print JSON')
    .action(async (type: string, position: string, opts: { json?: boolean }, cmd: Command) => {
      const wanted = parsePosition(position);
      const task = findTask(await configOf(cmd), type);
      const topic = dlqTopicOf(task.topic);
      await withKafka(async (admins) => {
        const bounds = await dlqBounds(admins, topic);
        const partition = wanted.partition ?? partitionHolding(bounds, wanted.offset, position);
        const range = bounds.find((b) => b.partition === partition);
        if (!range) throw new OperationFailed(`${topic} has no partition ${partition}`);
        if (wanted.offset < range.from || wanted.offset >= range.to) {
          throw new OperationFailed(
            `${topic} partition ${partition} holds offsets ${range.from}..${range.to - 1n}; there is no dead letter at ${wanted.offset}`,
          );
        }
        const [record] = await readRanges(admins, topic, [{ partition, from: wanted.offset, to: wanted.offset + 1n }]);
        if (!record) throw new OperationFailed(`no record at ${partition}:${wanted.offset} of ${topic}`);
        const payload = await decodePayload(task, record.value);
        if (opts.json) {
          return printJson({
            topic,
            partition: record.partition,
            offset: record.offset,
            key: record.key === null ? null : record.key.toString(),
            timestamp: new Date(Number(record.timestamp)).toISOString(),
            headers: record.headers,
            ...payload,
          });
        }
        printLetter(task, record, payload);
      });
    });

  withFilters(
    dlq
      .command('replay')
      .description('copy chosen dead letters back to the task topic, once each (dry run unless --execute)')
      .argument('<type>', 'task type name (from --config)'),
  )
    .option('--dry-run', 'list what would be copied and change nothing (the default)')
    .option('--execute', 'copy them')
    .option('--include-replayed', 'copy dead letters that an earlier replay already copied, again')
    .addHelpText('after', REPLAY_HELP)
    .action(async (type: string, opts: ReplayOptions, cmd: Command) => {
      const filter = filterOf(opts);
      if (opts.dryRun && opts.execute) throw new UsageError('give --dry-run or --execute, not both');
      const task = findTask(await configOf(cmd), type);
      await replay(task, filter, opts);
    });
}

function isFiltered(f: DeadLetterFilter): boolean {
  return f.error !== undefined || f.since !== undefined || f.until !== undefined || f.taskIds !== undefined;
}

type Admins = { topics: TopicAdmin; groups: GroupAdmin; address: string };

async function dlqBounds(admins: Admins, topic: string): Promise<OffsetRange[]> {
  if (!(await admins.topics.listTopics()).includes(topic)) {
    throw new OperationFailed(
      `dead-letter topic "${topic}" does not exist: no worker of this type has run here (\`taskstream topics create\` creates it)`,
    );
  }
  return (await admins.groups.fetchTopicOffsets(topic)).map((b) => ({
    partition: b.partition,
    from: BigInt(b.low),
    to: BigInt(b.high),
  }));
}

/** Every record of the DLQ as it is now (its end offsets, read first, bound the read), by partition and offset. */
async function readDeadLetters(admins: Admins, topic: string): Promise<IncomingRecord[]> {
  return readRanges(admins, topic, await dlqBounds(admins, topic));
}

async function readRanges(admins: Admins, topic: string, ranges: readonly OffsetRange[]): Promise<IncomingRecord[]> {
  const kafka = createKafka({ brokers: brokersFromEnv(), logger: cliLogger(), clientId: 'taskstream-cli', retries: 3 });
  const records: IncomingRecord[] = [];
  const { incomplete } = await new RangeReader(kafka, admins.address).read(topic, ranges, (r) => records.push(r));
  for (const i of incomplete) {
    note(
      `warning: ${topic} partition ${i.partition} was read up to offset ${i.reached}, not ${i.to}: nothing more came`,
    );
  }
  return records.sort((a, b) => a.partition - b.partition || (BigInt(a.offset) < BigInt(b.offset) ? -1 : 1));
}

function parsePosition(text: string): { partition: number | undefined; offset: bigint } {
  const m = /^(?:(\d+):)?(\d+)$/.exec(text.trim());
  if (!m)
    throw new UsageError(
      `"${text}" is not a dead letter's position: give <partition>:<offset> (e.g. 0:17) or an offset`,
    );
  return { partition: m[1] === undefined ? undefined : Number(m[1]), offset: BigInt(m[2] as string) };
}

function partitionHolding(bounds: readonly OffsetRange[], offset: bigint, text: string): number {
  const holding = bounds.filter((b) => offset >= b.from && offset < b.to).map((b) => b.partition);
  if (holding.length === 1) return holding[0] as number;
  if (holding.length === 0) throw new OperationFailed(`no partition of the DLQ holds offset ${text}`);
  throw new UsageError(
    `offset ${text} exists in partitions ${holding.join(', ')}: give <partition>:<offset>, e.g. ${holding[0]}:${text}`,
  );
}

interface DecodedPayload {
  readonly schemaId: number | null;
  readonly payload: unknown;
  readonly decodeError: string | null;
  readonly hex: string | null;
}

async function decodePayload(task: TaskDefinition, value: Buffer | null): Promise<DecodedPayload> {
  let schemaId: number | null = null;
  try {
    schemaId = unframe(value).schemaId;
    const payload = await new TaskCodec(task, new RegistryClient()).decode(value);
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

function printRows(rows: readonly DeadLetterRow[], status?: (r: DeadLetterRow) => string): void {
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

function printLetter(task: TaskDefinition, record: IncomingRecord, p: DecodedPayload): void {
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

async function replay(task: TaskDefinition, filter: DeadLetterFilter, opts: ReplayOptions): Promise<void> {
  const dlq = dlqTopicOf(task.topic);
  const execute = opts.execute === true;
  await withKafka(async (admins) => {
    const chosen = (await readDeadLetters(admins, dlq)).filter((r) => matches(rowOf(r), filter));
    if (execute && !(await admins.topics.listTopics()).includes(task.topic)) {
      throw new OperationFailed(`topic "${task.topic}" of task type "${task.name}" does not exist`);
    }
    const url = redisUrlFromEnv();
    const redis = createRedis(url);
    try {
      await pingRedis(redis, url);
      const run = async () => {
        const before = await replayedPositions(redis, dlq);
        const copy = chosen.filter((r) => opts.includeReplayed || !before.has(positionOf(r)));
        if (execute && copy.length > 0) await copyBack(admins.address, task, dlq, copy, redis);
        return { before, copy };
      };
      const { before, copy } = execute ? await withReplayLock(redis, dlq, run) : await run();
      reportReplay({ task, dlq, chosen, copy: new Set(copy), before, execute, opts });
    } finally {
      redis.disconnect();
    }
  });
}

async function copyBack(
  address: string,
  task: TaskDefinition,
  dlq: string,
  letters: readonly IncomingRecord[],
  redis: Parameters<typeof markReplayed>[0],
): Promise<void> {
  const kafka = createKafka({ brokers: brokersFromEnv(), logger: cliLogger(), clientId: 'taskstream-cli', retries: 3 });
  const producer = new RecordProducer(kafka, address);
  try {
    for (let i = 0; i < letters.length; i += 500) {
      const batch = letters.slice(i, i + 500);
      await producer.send(batch.map((r) => replayCopy(r, task.topic)));
      // After the broker acknowledged the batch: a crash in between copies it again next time, never loses it.
      await markReplayed(redis, dlq, batch.map(positionOf));
    }
  } finally {
    await producer.close();
  }
}

function reportReplay(r: {
  task: TaskDefinition;
  dlq: string;
  chosen: readonly IncomingRecord[];
  copy: ReadonlySet<IncomingRecord>;
  before: ReadonlySet<string>;
  execute: boolean;
  opts: ReplayOptions;
}): void {
  const { task, dlq, chosen, copy, before, execute, opts } = r;
  const status = (rec: IncomingRecord): string =>
    copy.has(rec) ? (execute ? 'copied' : 'to copy') : before.has(positionOf(rec)) ? 'already replayed' : 'skipped';
  const skipped = chosen.length - copy.size;
  if (opts.json) {
    printJson({
      dlqTopic: dlq,
      topic: task.topic,
      executed: execute,
      letters: chosen.map((rec) => ({ ...rowOf(rec), status: status(rec) })),
      copied: execute ? copy.size : 0,
      toCopy: execute ? 0 : copy.size,
      alreadyReplayed: skipped,
    });
    return;
  }
  if (chosen.length === 0) {
    say(`no dead letters in ${dlq}${isFiltered(filterOf(opts)) ? ' match' : ''}: nothing to replay`);
    return;
  }
  const byRow = new Map(chosen.map((rec) => [positionOf(rec), rec]));
  printRows(chosen.map(rowOf), (row) => status(byRow.get(positionOf(row)) as IncomingRecord));
  const already = skipped > 0 ? ` (${skipped} already replayed, left out; --include-replayed copies them again)` : '';
  if (execute) {
    say(`copied ${copy.size} dead letter${copy.size === 1 ? '' : 's'} to ${task.topic}${already}`);
    say(`replayed positions are kept in Redis: ${replayedKey(dlq)}`);
  } else {
    say(`${copy.size} would be copied to ${task.topic}${already}. Apply with --execute.`);
  }
}
