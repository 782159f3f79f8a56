import type { Redis } from 'ioredis';
import type { GroupAdmin } from '../../pipeline/kafka/GroupAdmin.js';
import type { ScheduleDefinition } from '../../pipeline/schedule/index.js';
import type { TopicAdmin } from '../../pipeline/kafka/TopicAdmin.js';
import { dlqTopicOf } from '../../pipeline/retry/handOffHeaders.js';
import { readPauses } from '../../pipeline/runtime/pausedTypes.js';
import { retryTopics } from '../../pipeline/task/taskTopics.js';
import type { TaskDefinition } from '../../pipeline/task/defineTask.js';
import { partitionLags } from '../../pipeline/kafka/partitionLags.js';
import { replayedPositions } from '../cli/dlq/replayMarkers.js';
import { delayedBacklog, type DelayedBacklog, type TierHeadTimes } from '../cli/shared/delayedBacklog.js';
import { listSchedules, type ScheduleListing } from '../cli/shared/scheduleListing.js';
import { readRunningTasks, type RunningTaskSighting } from '../cli/shared/runningTasks.js';
import { countNotReplayed } from './countNotReplayed.js';

/** One worker of a task type's group and the partitions of the task topic it owns. */
export interface WorkerRow {
  readonly memberId: string;
  readonly clientId: string;
  readonly host: string;
  readonly partitions: readonly number[];
}

/** One task type as an operator sees it: is it consumed, how far behind, how much failed. */
export interface TypeOverview {
  readonly type: string;
  readonly topic: string;
  readonly topicExists: boolean;
  /**
   * Why the brokers could not say more of this type just now (say, its topics were being created and their
   * partitions had no leader yet); its numbers are zeros until the next reading. The other types are unaffected.
   */
  readonly readError?: string;
  readonly group: string;
  /** Stable, Empty, PreparingRebalance…, or Dead when no worker ever joined. */
  readonly groupState: string;
  readonly members: number;
  readonly workers: readonly WorkerRow[];
  /** Tasks written and not yet completed and committed, on the task topic. */
  readonly lag: number;
  /** Copies waiting in the retry tiers (not yet committed by the retry group). */
  readonly retrying: number;
  /**
   * Delayed tasks waiting in the delay tiers and the earliest time among the tiers' next records (as
   * `taskstream lag` says them); null for a type that accepts no delays (no maxDelayMs).
   */
  readonly delayed: DelayedBacklog | null;
  /** Dead letters not yet replayed (`dlq replay` marks what it copied back); all of them when Redis is away. */
  readonly deadLetters: number;
  /** Every record stored in the dead-letter topic, replayed ones included. */
  readonly deadLettersStored: number;
  /** Tasks taken off the task topic and committed, since the topic began (a counter: rates are its differences). */
  readonly processed: number;
  /** Failed attempts handed off, to a retry tier or the dead-letter topic, since the topics began (a counter). */
  readonly failed: number;
  /** Paused with `taskstream pause` or the dashboard; null when Redis did not say. */
  readonly paused: boolean | null;
  /** Tasks running longer than the type's expectedMs, as their workers publish them (empty without expectedMs). */
  readonly stuck: readonly StuckTask[];
}

export interface StuckTask extends RunningTaskSighting {
  /** How long it had run when its worker last published it. */
  readonly elapsedMs: number;
}

export interface Overview {
  readonly at: string;
  readonly types: readonly TypeOverview[];
  /** The config's schedules (null without any), or why Redis could not say. */
  readonly schedules: ScheduleListing | { readonly error: string } | null;
  /** Why the Redis-held parts (pauses, replayed dead letters) are missing, if they are. */
  readonly redisError: string | null;
}

/** Where the dashboard reads schedules from: the config's, and the scheduler group's state in Redis. */
export interface ScheduleSource {
  readonly schedules: readonly ScheduleDefinition[];
  readonly redis: Redis;
  readonly group: string;
}

export interface OverviewSources {
  readonly tasks: readonly TaskDefinition[];
  readonly admins: Admins;
  /** The workers' `groupPrefix`: a type's group is `<groupPrefix>.<type>`. */
  readonly groupPrefix: string;
  /** Pauses and replay markers; without it every dead letter counts and no pause is known. */
  readonly redis?: Redis;
  readonly schedules?: ScheduleSource;
  /** Reads the task times of delay tier heads; kept across readings, it reads each head once. */
  readonly delayHeads: TierHeadTimes;
}

type Admins = { readonly groups: GroupAdmin; readonly topics: TopicAdmin };

/** What the dashboard shows, read from the brokers and Redis now (the cache in front of it is OverviewCache). */
export async function gatherOverview(sources: OverviewSources): Promise<Overview> {
  const { tasks, admins, groupPrefix, redis } = sources;
  const existing = new Set(await admins.topics.listTopics());
  const groupOf = (t: TaskDefinition): string => `${groupPrefix}.${t.name}`;
  const [types, scheduleListing, fromRedis] = await Promise.all([
    Promise.all(tasks.map((task) => typeOverview(task, groupOf(task), existing, admins, sources.delayHeads))),
    sources.schedules === undefined ? null : schedulesOrError(sources.schedules),
    redis === undefined ? null : redisState(redis, tasks, groupOf),
  ]);
  const state = fromRedis !== null && 'error' in fromRedis ? null : fromRedis;
  return {
    at: new Date().toISOString(),
    types: types.map((t, i) => {
      const replayed = state?.replayed[i];
      return {
        ...t.overview,
        deadLetters: replayed === undefined ? t.overview.deadLettersStored : countNotReplayed(t.dlqBounds, replayed),
        paused: state ? state.paused[i] !== null : null,
        stuck: state?.stuck[i] ?? [],
      };
    }),
    schedules: scheduleListing,
    redisError:
      redis === undefined ? 'no Redis given' : fromRedis !== null && 'error' in fromRedis ? fromRedis.error : null,
  };
}

async function redisState(
  redis: Redis,
  tasks: readonly TaskDefinition[],
  groupOf: (t: TaskDefinition) => string,
): Promise<{ paused: unknown[]; replayed: Set<string>[]; stuck: StuckTask[][] } | { error: string }> {
  try {
    const [paused, replayed, stuck] = await Promise.all([
      readPauses(redis, tasks.map(groupOf)),
      Promise.all(tasks.map((t) => replayedPositions(redis, dlqTopicOf(t.topic)))),
      Promise.all(tasks.map((t) => stuckTasks(redis, t, groupOf(t)))),
    ]);
    return { paused, replayed, stuck };
  } catch (err) {
    return { error: `Redis did not answer: ${err instanceof Error ? err.message : String(err)}` };
  }
}

async function stuckTasks(redis: Redis, task: TaskDefinition, group: string): Promise<StuckTask[]> {
  const expected = task.expectedMs;
  if (expected === undefined) return [];
  return (await readRunningTasks(redis, group))
    .map((t) => ({ ...t, elapsedMs: t.publishedAt - t.startedAt }))
    .filter((t) => t.elapsedMs > expected);
}

/** Redis being away must not take the task rows down with it: the page says so where the schedules would be. */
async function schedulesOrError(source: ScheduleSource): Promise<ScheduleListing | { error: string }> {
  try {
    return await listSchedules(source.redis, source.schedules, source.group);
  } catch (err) {
    return { error: `Redis did not answer: ${err instanceof Error ? err.message : String(err)}` };
  }
}

type BrokerView = Omit<TypeOverview, 'paused' | 'stuck'>;

/** A type's numbers when its topics are missing or unreadable. */
const NO_COUNTS = { lag: 0, retrying: 0, delayed: null, deadLetters: 0, deadLettersStored: 0, processed: 0, failed: 0 };

async function typeOverview(
  task: TaskDefinition,
  group: string,
  existing: Set<string>,
  admins: Admins,
  delayHeads: TierHeadTimes,
): Promise<{ overview: BrokerView; dlqBounds: { partition: number; low: number; high: number }[] }> {
  const base = { type: task.name, topic: task.topic, group };
  if (!existing.has(task.topic)) {
    return {
      overview: { ...base, topicExists: false, groupState: 'Dead', members: 0, workers: [], ...NO_COUNTS },
      dlqBounds: [],
    };
  }
  try {
    return await brokerView(task, group, existing, admins, delayHeads, base);
  } catch (err) {
    // One type's topics being created (no leader yet) must not take the page down for every type.
    const readError = err instanceof Error ? err.message : String(err);
    return {
      overview: { ...base, topicExists: true, readError, groupState: 'Unknown', members: 0, workers: [], ...NO_COUNTS },
      dlqBounds: [],
    };
  }
}

async function brokerView(
  task: TaskDefinition,
  group: string,
  existing: Set<string>,
  admins: Admins,
  delayHeads: TierHeadTimes,
  base: { type: string; topic: string; group: string },
): Promise<{ overview: BrokerView; dlqBounds: { partition: number; low: number; high: number }[] }> {
  const { groups } = admins;
  const tiers = retryTopics(task).filter((t) => existing.has(t));
  const dlq = dlqTopicOf(task.topic);
  const [info, lags, retryLags, dlqOffsets, delayed] = await Promise.all([
    groups.describeGroup(group),
    partitionLags(groups, group, [task.topic]),
    tiers.length > 0 ? partitionLags(groups, `${group}.retry`, tiers) : Promise.resolve([]),
    existing.has(dlq) ? groups.fetchTopicOffsets(dlq) : Promise.resolve([]),
    delayedBacklog(admins, group, task, delayHeads, existing),
  ]);
  const dlqBounds = dlqOffsets.map((p) => ({ partition: p.partition, low: Number(p.low), high: Number(p.high) }));
  const deadLettersStored = sum(dlqBounds.map((p) => p.high - p.low));
  return {
    overview: {
      ...base,
      topicExists: true,
      groupState: info.state,
      members: info.members.length,
      workers: info.members.map((m) => ({
        memberId: m.memberId,
        clientId: m.clientId,
        host: m.clientHost,
        partitions: m.assignment
          .filter((a) => a.topic === task.topic)
          .map((a) => a.partition)
          .sort((a, b) => a - b),
      })),
      lag: sum(lags.map((p) => p.lag)),
      retrying: sum(retryLags.map((p) => p.lag)),
      delayed: delayed ?? null,
      deadLetters: deadLettersStored,
      deadLettersStored,
      processed: sum(lags.map((p) => p.end - p.lag)),
      failed: sum(retryLags.map((p) => p.end)) + sum(dlqBounds.map((p) => p.high)),
    },
    dlqBounds,
  };
}

function sum(values: readonly number[]): number {
  return values.reduce((a, b) => a + b, 0);
}
