import { describe, expect, it } from 'vitest';
import { defineTask } from '../../pipeline/index.js';
import { RETRY_TIER_MIN_RETENTION_MS, taskTopics } from '../../pipeline/task/taskTopics.js';

const schema = { type: 'record', name: 'Ping', fields: [{ name: 'id', type: 'string' }] } as const;
const retentionOf = (specs: ReturnType<typeof taskTopics>, suffix: string) =>
  specs.filter((s) => s.topic.endsWith(suffix)).map((s) => s.config?.['retention.ms']);

describe("a task type's topics", () => {
  it('keep dead letters until replayed or purged by default (retention.ms -1)', () => {
    const specs = taskTopics(defineTask({ name: 'ping', schema }));
    expect(retentionOf(specs, '.dlq')).toEqual(['-1']);
  });

  it('keep dead letters as long as the task type says', () => {
    const specs = taskTopics(defineTask({ name: 'ping', schema, deadLetterRetentionMs: 30 * 86_400_000 }));
    expect(retentionOf(specs, '.dlq')).toEqual([String(30 * 86_400_000)]);
  });

  it('keep retry copies for a week at least, and twice the tier delay when that is longer', () => {
    const task = defineTask({ name: 'ping', schema, retry: { minDelayMs: 1000, maxDelayMs: 10 * 86_400_000 } });
    const retention = taskTopics(task)
      .filter((s) => s.topic.includes('.retry.'))
      .map((s) => Number(s.config?.['retention.ms']));
    expect(retention[0]).toBe(RETRY_TIER_MIN_RETENTION_MS);
    expect(retention.at(-1)).toBe(20 * 86_400_000);
  });

  it("leave the task's own topic at the cluster's retention and every replication factor to the cluster's default", () => {
    const specs = taskTopics(defineTask({ name: 'ping', schema }));
    expect(specs[0]?.config).toBeUndefined();
    expect(specs.every((s) => s.replicationFactor === undefined)).toBe(true);
  });
});
