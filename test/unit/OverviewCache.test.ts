import { describe, expect, it } from 'vitest';
import type { GroupAdmin } from '../../pipeline/kafka/GroupAdmin.js';
import type { TopicAdmin } from '../../pipeline/kafka/TopicAdmin.js';
import { createLogger } from '../../pipeline/logging/logger.js';
import { OverviewCache } from '../../ops/dashboard/OverviewCache.js';
import { TierHeadTimes } from '../../ops/cli/shared/delayedBacklog.js';
import { defineTask } from '../../pipeline/task/defineTask.js';

const task = defineTask({
  name: 'cached',
  schema: { type: 'record', name: 'Cached', fields: [{ name: 'id', type: 'string' }] } as const,
});

/** Admins that count the readings: the task's topic does not exist, so one listTopics is one reading. */
function countingAdmins() {
  const calls = { listTopics: 0 };
  const topics = {
    listTopics: async () => {
      calls.listTopics++;
      await new Promise((r) => setTimeout(r, 20));
      return [];
    },
  } as unknown as TopicAdmin;
  return { calls, admins: { topics, groups: {} as GroupAdmin } };
}

/** No type here accepts delays: no tier head is ever read. */
function sources(admins: { topics: TopicAdmin; groups: GroupAdmin }) {
  return { tasks: [task], admins, groupPrefix: 'p', delayHeads: new TierHeadTimes(async () => new Map()) };
}

describe('OverviewCache', () => {
  it('serves ten concurrent requests, and those within maxAgeMs after them, from one reading of the brokers', async () => {
    const { calls, admins } = countingAdmins();
    const cache = new OverviewCache(sources(admins), createLogger(), {
      maxAgeMs: 60_000,
      sampleEveryMs: 0,
    });
    const answers = await Promise.all(Array.from({ length: 10 }, () => cache.get()));
    await cache.get();
    expect(calls.listTopics).toBe(1);
    expect(new Set(answers).size).toBe(1);
    cache.close();
  });

  it('reads again once invalidated (after an action changed what it shows)', async () => {
    const { calls, admins } = countingAdmins();
    const cache = new OverviewCache(sources(admins), createLogger(), {
      maxAgeMs: 60_000,
      sampleEveryMs: 0,
    });
    await cache.get();
    cache.invalidate();
    await cache.get();
    expect(calls.listTopics).toBe(2);
    cache.close();
  });
});
