import { describe, expect, it } from 'vitest';
import type { GroupAdmin } from '../../pipeline/kafka/GroupAdmin.js';
import type { TopicAdmin } from '../../pipeline/kafka/TopicAdmin.js';
import { gatherOverview } from '../../ops/dashboard/Overview.js';
import { TierHeadTimes, type TierHead } from '../../ops/cli/shared/delayedBacklog.js';
import { delayTopicOf, DELAY_LADDER } from '../../pipeline/delay/DelayLadder.js';
import { defineTask } from '../../pipeline/task/defineTask.js';

const schema = { type: 'record', name: 'Note', fields: [{ name: 'id', type: 'string' }] } as const;
const ready = defineTask({ name: 'ready', schema, retry: { maxAttempts: 1 } });
const creating = defineTask({ name: 'creating', schema, retry: { maxAttempts: 1 } });

/** Brokers where `creating`'s topic is listed but has no leader yet: every read of it fails, as Kafka answers then. */
function admins(): { topics: TopicAdmin; groups: GroupAdmin } {
  const failsFor = (topic: string): void => {
    if (topic === creating.topic)
      throw new Error('There is no leader for this topic-partition as we are in the middle of a leadership election');
  };
  const groups = {
    describeGroup: async () => ({ state: 'Empty', members: [] }),
    fetchTopicOffsets: async (topic: string) => {
      failsFor(topic);
      return [{ partition: 0, low: '0', high: '4', offset: '4' }];
    },
    fetchOffsets: async (_group: string, topics: string[]) => {
      topics.forEach(failsFor);
      return topics.map((topic) => ({ topic, partition: 0, offset: '1' }));
    },
  } as unknown as GroupAdmin;
  return { topics: { listTopics: async () => [ready.topic, creating.topic] } as unknown as TopicAdmin, groups };
}

/** A head reader for types that accept no delays: asking it is a mistake. */
const noHeads = (): TierHeadTimes =>
  new TierHeadTimes(async () => {
    throw new Error('no type here accepts delays');
  });

const later = defineTask({ name: 'later', schema, retry: { maxAttempts: 1 }, maxDelayMs: 120_000 });
const tier = (name: string): string => {
  const t = DELAY_LADDER.find((x) => x.name === name);
  if (t === undefined) throw new Error(`no tier ${name}`);
  return delayTopicOf(later.topic, t);
};
const T0 = Date.parse('2026-03-01T12:00:00Z');

/**
 * Brokers where `later` (delays up to 2 min: tiers 1s, 5s, 30s, 2m) has, for its tier consumers
 * (`taskstream.later.retry`): in 30s, partition 0 at 2 of 5 (3 waiting) and partition 1 at its end; in 1s,
 * partition 0 at 3 of 4 (1 waiting); 5s and 2m empty. `ends` moves the 30s tier's partition 0 on.
 */
function delayAdmins(committed30s = 2): { topics: TopicAdmin; groups: GroupAdmin } {
  const ends: Record<string, { partition: number; low: string; high: string }[]> = {
    [later.topic]: [{ partition: 0, low: '0', high: '0' }],
    [tier('1s')]: [{ partition: 0, low: '0', high: '4' }],
    [tier('5s')]: [{ partition: 0, low: '0', high: '0' }],
    [tier('30s')]: [
      { partition: 0, low: '0', high: '5' },
      { partition: 1, low: '0', high: '1' },
    ],
    [tier('2m')]: [{ partition: 0, low: '0', high: '0' }],
  };
  const commits: Record<string, Record<number, number>> = {
    [tier('1s')]: { 0: 3 },
    [tier('30s')]: { 0: committed30s, 1: 1 },
  };
  const groups = {
    describeGroup: async () => ({ state: 'Empty', members: [] }),
    fetchTopicOffsets: async (topic: string) => (ends[topic] ?? []).map((p) => ({ ...p, offset: p.high })),
    fetchOffsets: async (group: string, topics: string[]) =>
      topics.flatMap((topic) =>
        Object.entries(group === 'taskstream.later.retry' ? (commits[topic] ?? {}) : {}).map(([p, o]) => ({
          topic,
          partition: Number(p),
          offset: String(o),
        })),
      ),
  } as unknown as GroupAdmin;
  return { topics: { listTopics: async () => Object.keys(ends) } as unknown as TopicAdmin, groups };
}

/** Task times of the tier records, by topic and offset (every partition alike), and the reads asked of it. */
function recordingHeads(times: Record<string, Record<number, number>>) {
  const reads: { topic: string; heads: TierHead[] }[] = [];
  const heads = new TierHeadTimes(async (topic, asked) => {
    reads.push({ topic, heads: [...asked] });
    const found = new Map<number, number>();
    for (const h of asked) {
      const runAt = times[topic]?.[h.offset];
      if (runAt !== undefined) found.set(h.partition, runAt);
    }
    return found;
  });
  return { reads, heads };
}

describe('the dashboard overview', () => {
  it("shows a type whose topics have no leader yet as unreadable, and every other type's numbers", async () => {
    const overview = await gatherOverview({
      tasks: [ready, creating],
      admins: admins(),
      groupPrefix: 'taskstream',
      delayHeads: noHeads(),
    });

    const [first, second] = overview.types;
    expect(first).toMatchObject({ type: 'ready', topicExists: true, lag: 3 });
    expect(first?.readError).toBeUndefined();
    expect(second).toMatchObject({ type: 'creating', topicExists: true, lag: 0 });
    expect(second?.readError).toMatch(/no leader/);
  });

  it('shows no delayed count for a type that accepts no delays', async () => {
    const overview = await gatherOverview({
      tasks: [ready],
      admins: admins(),
      groupPrefix: 'taskstream',
      delayHeads: noHeads(),
    });
    expect(overview.types[0]?.delayed).toBeNull();
  });

  it("counts the delayed tasks its tier consumers have not passed, and the earliest time among the tiers' heads", async () => {
    const { heads } = recordingHeads({ [tier('30s')]: { 2: T0 + 40_000 }, [tier('1s')]: { 3: T0 + 1_500 } });
    const overview = await gatherOverview({
      tasks: [later],
      admins: delayAdmins(),
      groupPrefix: 'taskstream',
      delayHeads: heads,
    });
    expect(overview.types[0]?.delayed).toEqual({ waiting: 4, nextDueAt: new Date(T0 + 1_500).toISOString() });
  });

  it('reads a tier head once across readings, and again only once the tier consumer moved past it', async () => {
    const times: Record<string, Record<number, number>> = {
      [tier('30s')]: { 2: T0 + 40_000, 3: T0 + 41_000 },
      [tier('1s')]: { 3: T0 + 50_000 },
    };
    const { reads, heads } = recordingHeads(times);
    const read = (committed30s: number) =>
      gatherOverview({
        tasks: [later],
        admins: delayAdmins(committed30s),
        groupPrefix: 'taskstream',
        delayHeads: heads,
      });

    await read(2);
    const second = await read(2);
    expect(reads).toHaveLength(2); // one per tier with a waiting head, in the first reading only
    expect(second.types[0]?.delayed?.nextDueAt).toBe(new Date(T0 + 40_000).toISOString());

    const moved = await read(3);
    expect(reads.slice(2)).toEqual([{ topic: tier('30s'), heads: [{ partition: 0, offset: 3 }] }]);
    expect(moved.types[0]?.delayed).toEqual({ waiting: 3, nextDueAt: new Date(T0 + 41_000).toISOString() });
  });
});
