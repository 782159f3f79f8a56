import type { CommittedOffset, GroupAdmin, PartitionOffsets } from './GroupAdmin.js';

export interface PartitionLag {
  readonly topic: string;
  readonly partition: number;
  /** The offset the next record will get. */
  readonly end: number;
  /** The next offset the group will read; null when it never committed this partition. */
  readonly committed: number | null;
  /** Records not yet committed: end − committed, or end − log start without a commit. */
  readonly lag: number;
}

/** End offsets, committed offsets and lag for every partition of the given topics. */
export async function partitionLags(
  groups: GroupAdmin,
  group: string,
  topics: readonly string[],
  committed?: readonly CommittedOffset[],
): Promise<PartitionLag[]> {
  const offsets = committed ?? (await groups.fetchOffsets(group, topics));
  const byTp = new Map(offsets.map((o) => [`${o.topic}:${o.partition}`, Number(o.offset)]));
  const ends = await Promise.all(
    topics.map(async (topic) => ({ topic, parts: await groups.fetchTopicOffsets(topic) })),
  );
  return ends.flatMap(({ topic, parts }) => parts.map((p) => lagOf(topic, p, byTp.get(`${topic}:${p.partition}`))));
}

function lagOf(topic: string, p: PartitionOffsets, committedOffset: number | undefined): PartitionLag {
  const end = Number(p.high);
  const committed = committedOffset === undefined || committedOffset < 0 ? null : committedOffset;
  // Without a commit, a worker group starts at the earliest record still stored.
  const lag = Math.max(0, end - (committed ?? Number(p.low)));
  return { topic, partition: p.partition, end, committed, lag };
}
