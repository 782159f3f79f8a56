import { RangeReader, type OffsetRange } from '../../../pipeline/kafka/RangeReader.js';
import type { IncomingRecord } from '../../../pipeline/kafka/records.js';
import { note } from '../shared/output.js';
import { OperationFailed, type KafkaAdmins } from '../shared/services.js';
import { UsageError } from '../UsageError.js';

/** Reading a dead-letter topic for `dlq list|show|replay`: its bounds, its records, a position in it. */

export async function dlqBounds(admins: KafkaAdmins, topic: string): Promise<OffsetRange[]> {
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
export async function readDeadLetters(admins: KafkaAdmins, topic: string): Promise<IncomingRecord[]> {
  return readRanges(admins, topic, await dlqBounds(admins, topic));
}

export async function readRanges(
  admins: KafkaAdmins,
  topic: string,
  ranges: readonly OffsetRange[],
): Promise<IncomingRecord[]> {
  const records: IncomingRecord[] = [];
  const { incomplete } = await new RangeReader(admins.kafka, admins.address).read(topic, ranges, (r) =>
    records.push(r),
  );
  for (const i of incomplete) {
    note(
      `warning: ${topic} partition ${i.partition} was read up to offset ${i.reached}, not ${i.to}: nothing more came`,
    );
  }
  return records.sort((a, b) => a.partition - b.partition || (BigInt(a.offset) < BigInt(b.offset) ? -1 : 1));
}

export function parsePosition(text: string): { partition: number | undefined; offset: bigint } {
  const m = /^(?:(\d+):)?(\d+)$/.exec(text.trim());
  if (!m)
    throw new UsageError(
      `"${text}" is not a dead letter's position: give <partition>:<offset> (e.g. 0:17) or an offset`,
    );
  return { partition: m[1] === undefined ? undefined : Number(m[1]), offset: BigInt(m[2] as string) };
}

export function partitionHolding(bounds: readonly OffsetRange[], offset: bigint, text: string): number {
  const holding = bounds.filter((b) => offset >= b.from && offset < b.to).map((b) => b.partition);
  if (holding.length === 1) return holding[0] as number;
  if (holding.length === 0) throw new OperationFailed(`no partition of the DLQ holds offset ${text}`);
  throw new UsageError(
    `offset ${text} exists in partitions ${holding.join(', ')}: give <partition>:<offset>, e.g. ${holding[0]}:${text}`,
  );
}

/** The dead letter at a position (`dlq show`, the dashboard): one clear line when there is none there. */
export async function readDeadLetterAt(
  admins: KafkaAdmins,
  topic: string,
  wanted: { partition: number | undefined; offset: bigint },
  text: string,
): Promise<IncomingRecord> {
  const bounds = await dlqBounds(admins, topic);
  const partition = wanted.partition ?? partitionHolding(bounds, wanted.offset, text);
  const range = bounds.find((b) => b.partition === partition);
  if (!range) throw new OperationFailed(`${topic} has no partition ${partition}`);
  if (wanted.offset < range.from || wanted.offset >= range.to) {
    throw new OperationFailed(
      `${topic} partition ${partition} holds offsets ${range.from}..${range.to - 1n}; there is no dead letter at ${wanted.offset}`,
    );
  }
  const [record] = await readRanges(admins, topic, [{ partition, from: wanted.offset, to: wanted.offset + 1n }]);
  if (!record) throw new OperationFailed(`no record at ${partition}:${wanted.offset} of ${topic}`);
  return record;
}
