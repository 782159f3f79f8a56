import { Kafka, logLevel, type EachMessagePayload } from 'kafkajs';
import { GroupAdmin, type PartitionOffsets } from '../../pipeline/kafka/GroupAdmin.js';
import { TaskProducer } from '../../pipeline/producer/TaskProducer.js';
import type { TaskDefinition } from '../../pipeline/task/defineTask.js';
import { brokers } from './services.js';
import { onCleanup, uniqueName, using } from './resources.js';
import { waitFor } from './waitFor.js';

/**
 * An independent observer: a plain kafkajs consumer that reads a topic from the start, outside taskstream's
 * own runtime, so tests check what is really on the wire.
 */
export interface SeenRecord {
  readonly partition: number;
  readonly offset: string;
  readonly key: string | null;
  readonly value: Buffer | null;
  readonly headers: Record<string, string>;
}

export function rawKafka(brokerList: string[] = brokers()): Kafka {
  return new Kafka({ clientId: 'test-observer', brokers: brokerList, logLevel: logLevel.NOTHING });
}

/**
 * Each partition's first and next offsets. Read through GroupAdmin, which waits while a topic created a moment
 * ago has no leader serving it yet (a fresh broker answers NOT_LEADER_FOR_PARTITION at first).
 */
export async function topicOffsets(topic: string, brokerList: string[] = brokers()): Promise<PartitionOffsets[]> {
  const admin = new GroupAdmin(rawKafka(brokerList), brokerList.join(','));
  try {
    return await admin.fetchTopicOffsets(topic);
  } finally {
    await admin.close();
  }
}

export interface TopicReader {
  readonly records: SeenRecord[];
  /** Resolves once at least `count` records have arrived. */
  until(count: number, timeoutMs?: number): Promise<SeenRecord[]>;
}

/** Starts reading from the beginning now; records arrive in `records` as they come. */
export async function startReading(topic: string, brokerList?: string[]): Promise<TopicReader> {
  const consumer = rawKafka(brokerList).consumer({ groupId: uniqueName('observer') });
  onCleanup(() => consumer.disconnect());
  const records: SeenRecord[] = [];
  await consumer.connect();
  await consumer.subscribe({ topic, fromBeginning: true });
  await consumer.run({
    eachMessage: async ({ partition, message }: EachMessagePayload) => {
      const headers: Record<string, string> = {};
      for (const [k, v] of Object.entries(message.headers ?? {})) headers[k] = String(v);
      records.push({
        partition,
        offset: message.offset,
        key: message.key?.toString() ?? null,
        value: message.value,
        headers,
      });
    },
  });
  return {
    records,
    until: async (count, timeoutMs) => {
      await waitFor(`${count} records on ${topic}`, () => records.length >= count, { timeoutMs });
      return records;
    },
  };
}

/**
 * Creates a task type's topics (as its first producer would) and reads its main topic from the beginning, for
 * a test that starts observing before the code under test has sent anything.
 */
export async function startReadingTask(task: TaskDefinition): Promise<TopicReader> {
  await (await using(new TaskProducer())).prepare(task);
  return startReading(task.topic);
}

export async function readTopic(topic: string, count: number, brokerList?: string[]): Promise<SeenRecord[]> {
  return (await startReading(topic, brokerList)).until(count);
}

/** Everything on the topic now (up to its current end offsets), however many records that is. */
export async function readAll(topic: string, brokerList?: string[]): Promise<SeenRecord[]> {
  const ends = await topicOffsets(topic, brokerList);
  const total = ends.reduce((n, p) => n + (Number(p.high) - Number(p.low)), 0);
  return total === 0 ? [] : readTopic(topic, total, brokerList);
}
