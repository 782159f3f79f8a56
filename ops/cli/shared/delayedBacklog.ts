import { runAtOf } from '../../../pipeline/delay/DelayLadder.js';
import { partitionLags } from '../../../pipeline/kafka/partitionLags.js';
import { RangeReader } from '../../../pipeline/kafka/RangeReader.js';
import type { TaskDefinition } from '../../../pipeline/task/defineTask.js';
import { delayTopics } from '../../../pipeline/task/taskTopics.js';
import type { KafkaAdmins } from './services.js';

export interface DelayedBacklog {
  /** Records in the delay tiers not yet moved past by the worker group's tier consumers. */
  readonly waiting: number;
  /** The earliest time among the tiers' next records (ISO), or null when none waits. */
  readonly nextDueAt: string | null;
}

/**
 * The delayed tasks of a task type that wait for their time: the lag of its worker group's tier consumers
 * (`<group>.retry`, which reads the delay tiers) on the delay tiers, and the earliest task time among the
 * records each tier partition will give next. A tier is in due order by its fixed delay, not by task time, so
 * this is the next task of a tier head, an upper bound on the next due overall by at most the tier's delay.
 */
export async function delayedBacklog(
  admins: KafkaAdmins,
  group: string,
  task: TaskDefinition,
): Promise<DelayedBacklog | undefined> {
  const topics = delayTopics(task);
  if (topics.length === 0) return undefined;
  const existing = new Set(await admins.topics.listTopics());
  const present = topics.filter((t) => existing.has(t));
  const lags = await partitionLags(admins.groups, `${group}.retry`, present);
  const waiting = lags.reduce((sum, p) => sum + p.lag, 0);
  let next: number | undefined;
  for (const topic of present) {
    const heads = lags
      .filter((p) => p.topic === topic && p.lag > 0)
      .map((p) => {
        const from = BigInt(p.end - p.lag);
        return { partition: p.partition, from, to: from + 1n };
      });
    if (heads.length === 0) continue;
    await new RangeReader(admins.kafka, admins.address, { idleTimeoutMs: 5000 }).read(topic, heads, (r) => {
      const runAt = runAtOf(r.headers);
      if (runAt !== undefined && (next === undefined || runAt < next)) next = runAt;
    });
  }
  return { waiting, nextDueAt: next === undefined ? null : new Date(next).toISOString() };
}
