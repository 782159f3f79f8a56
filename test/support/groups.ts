import { rawKafka, topicOffsets } from './readTopic.js';
import { onCleanup } from './resources.js';

/** The group's committed offset per partition (-1 when none), read with a plain admin client. */
export async function committedOffsets(groupId: string, topic: string): Promise<Map<number, bigint>> {
  const admin = rawKafka().admin();
  await admin.connect();
  onCleanup(() => admin.disconnect());
  const [entry] = await admin.fetchOffsets({ groupId, topics: [topic] });
  return new Map((entry?.partitions ?? []).map((p) => [p.partition, BigInt(p.offset)]));
}

/** Per partition, the offset the next record will get (see topicOffsets). */
export async function endOffsets(topic: string): Promise<Map<number, bigint>> {
  return new Map((await topicOffsets(topic)).map((p) => [p.partition, BigInt(p.high)]));
}
