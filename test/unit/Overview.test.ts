import { describe, expect, it } from 'vitest';
import type { GroupAdmin } from '../../pipeline/kafka/GroupAdmin.js';
import type { TopicAdmin } from '../../pipeline/kafka/TopicAdmin.js';
import { gatherOverview } from '../../ops/dashboard/Overview.js';
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

describe('the dashboard overview', () => {
  it("shows a type whose topics have no leader yet as unreadable, and every other type's numbers", async () => {
    const overview = await gatherOverview({ tasks: [ready, creating], admins: admins(), groupPrefix: 'taskstream' });

    const [first, second] = overview.types;
    expect(first).toMatchObject({ type: 'ready', topicExists: true, lag: 3 });
    expect(first?.readError).toBeUndefined();
    expect(second).toMatchObject({ type: 'creating', topicExists: true, lag: 0 });
    expect(second?.readError).toMatch(/no leader/);
  });
});
