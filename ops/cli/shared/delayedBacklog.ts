import { runAtOf } from '../../../pipeline/delay/DelayLadder.js';
import type { KafkaClient } from '../../../pipeline/kafka/KafkaConnection.js';
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

/** A tier partition's next record for the group: its offset. */
export interface TierHead {
  readonly partition: number;
  readonly offset: number;
}

/** Reads the task time (epoch ms) of each head of one tier topic; a head without one is left out. */
export type HeadTimeReader = (topic: string, heads: readonly TierHead[]) => Promise<Map<number, number>>;

/** Reads the heads through a throwaway group (RangeReader), one read per topic. */
export function rangeHeadReader(kafka: KafkaClient, address: string): HeadTimeReader {
  return async (topic, heads) => {
    const times = new Map<number, number>();
    const ranges = heads.map((h) => ({ partition: h.partition, from: BigInt(h.offset), to: BigInt(h.offset) + 1n }));
    await new RangeReader(kafka, address, { idleTimeoutMs: 5000 }).read(topic, ranges, (r) => {
      const runAt = runAtOf(r.headers);
      if (runAt !== undefined) times.set(r.partition, runAt);
    });
    return times;
  };
}

/**
 * The task times of tier heads, remembered by position: a record never changes, so a head is read once however
 * often it is asked for (the dashboard asks every few seconds, and each read joins a throwaway consumer group).
 * Only the positions asked for last are kept, so it holds at most one entry per tier partition.
 */
export class TierHeadTimes {
  private readonly known = new Map<string, Map<string, number>>();

  constructor(private readonly read: HeadTimeReader) {}

  async of(topic: string, heads: readonly TierHead[]): Promise<number[]> {
    const before = this.known.get(topic) ?? new Map<string, number>();
    const missing = heads.filter((h) => !before.has(positionOf(h)));
    const fresh = missing.length === 0 ? new Map<number, number>() : await this.read(topic, missing);
    const now = new Map<string, number>();
    for (const h of heads) {
      const runAt = before.get(positionOf(h)) ?? fresh.get(h.partition);
      if (runAt !== undefined) now.set(positionOf(h), runAt);
    }
    this.known.set(topic, now);
    return [...now.values()];
  }
}

function positionOf(h: TierHead): string {
  return `${h.partition}:${h.offset}`;
}

/**
 * The delayed tasks of a task type that wait for their time: the lag of its worker group's tier consumers
 * (`<group>.retry`, which reads the delay tiers) on the delay tiers, and the earliest task time among the
 * records each tier partition will give next. A tier is in due order by its fixed delay, not by task time, so
 * this is the next task of a tier head, an upper bound on the next due overall by at most the tier's delay.
 * Undefined for a task type that accepts no delays.
 */
export async function delayedBacklog(
  admins: Pick<KafkaAdmins, 'groups' | 'topics'>,
  group: string,
  task: TaskDefinition,
  heads: TierHeadTimes,
  /** The topics that exist, when the caller listed them already. */
  existing?: ReadonlySet<string>,
): Promise<DelayedBacklog | undefined> {
  const topics = delayTopics(task);
  if (topics.length === 0) return undefined;
  existing ??= new Set(await admins.topics.listTopics());
  const present = topics.filter((t) => existing.has(t));
  const lags = present.length === 0 ? [] : await partitionLags(admins.groups, `${group}.retry`, present);
  const waiting = lags.reduce((sum, p) => sum + p.lag, 0);
  // The tiers' heads are read side by side: each new head costs a throwaway group's join.
  const times = await Promise.all(
    present.map((topic) => {
      const waitingHeads = lags
        .filter((p) => p.topic === topic && p.lag > 0)
        .map((p) => ({ partition: p.partition, offset: p.end - p.lag }));
      return waitingHeads.length === 0 ? [] : heads.of(topic, waitingHeads);
    }),
  );
  const next = Math.min(...times.flat());
  return { waiting, nextDueAt: Number.isFinite(next) ? new Date(next).toISOString() : null };
}
