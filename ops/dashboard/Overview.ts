import type { Redis } from 'ioredis';
import type { GroupAdmin } from '../../pipeline/kafka/GroupAdmin.js';
import type { ScheduleDefinition } from '../../pipeline/schedule/index.js';
import type { TopicAdmin } from '../../pipeline/kafka/TopicAdmin.js';
import { dlqTopicOf } from '../../pipeline/retry/handOffHeaders.js';
import { retryTopics } from '../../pipeline/task/taskTopics.js';
import type { TaskDefinition } from '../../pipeline/task/defineTask.js';
import { DEFAULT_GROUP_PREFIX } from '../cli/shared/groups.js';
import { partitionLags } from '../../pipeline/kafka/partitionLags.js';
import { listSchedules, type ScheduleListing } from '../cli/shared/scheduleListing.js';

/** One task type as an operator sees it: is it consumed, how far behind, how much failed. */
export interface TypeOverview {
  readonly type: string;
  readonly topic: string;
  readonly topicExists: boolean;
  readonly group: string;
  /** Stable, Empty, PreparingRebalance…, or Dead when no worker ever joined. */
  readonly groupState: string;
  readonly members: number;
  /** Tasks written and not yet completed and committed, on the task topic. */
  readonly lag: number;
  /** Copies waiting in the retry tiers (not yet committed by the retry group). */
  readonly retrying: number;
  /** Records stored in the dead-letter topic (replayed ones included: replay copies, it does not delete). */
  readonly deadLetters: number;
}

export interface Overview {
  readonly at: string;
  readonly types: readonly TypeOverview[];
  /** The config's schedules (null without any), or why Redis could not say. */
  readonly schedules: ScheduleListing | { readonly error: string } | null;
}

/** Where the dashboard reads schedules from: the config's, and the scheduler group's state in Redis. */
export interface ScheduleSource {
  readonly schedules: readonly ScheduleDefinition[];
  readonly redis: Redis;
  readonly group: string;
}

/** What `taskstream dashboard` shows, read from the brokers at each request (nothing is cached or stored). */
export async function gatherOverview(
  tasks: readonly TaskDefinition[],
  admins: { readonly groups: GroupAdmin; readonly topics: TopicAdmin },
  scheduled?: ScheduleSource,
): Promise<Overview> {
  const existing = new Set(await admins.topics.listTopics());
  const [types, scheduleListing] = await Promise.all([
    Promise.all(tasks.map((task) => typeOverview(task, existing, admins.groups))),
    scheduled === undefined ? null : schedulesOrError(scheduled),
  ]);
  return { at: new Date().toISOString(), types, schedules: scheduleListing };
}

/** Redis being away must not take the task rows down with it: the page says so where the schedules would be. */
async function schedulesOrError(source: ScheduleSource): Promise<ScheduleListing | { error: string }> {
  try {
    return await listSchedules(source.redis, source.schedules, source.group);
  } catch (err) {
    return { error: `Redis did not answer: ${err instanceof Error ? err.message : String(err)}` };
  }
}

async function typeOverview(task: TaskDefinition, existing: Set<string>, groups: GroupAdmin): Promise<TypeOverview> {
  const group = `${DEFAULT_GROUP_PREFIX}.${task.name}`;
  const base = { type: task.name, topic: task.topic, group };
  if (!existing.has(task.topic)) {
    return { ...base, topicExists: false, groupState: 'Dead', members: 0, lag: 0, retrying: 0, deadLetters: 0 };
  }
  const tiers = retryTopics(task).filter((t) => existing.has(t));
  const dlq = dlqTopicOf(task.topic);
  const [info, lags, retryLags, dlqOffsets] = await Promise.all([
    groups.describeGroup(group),
    partitionLags(groups, group, [task.topic]),
    tiers.length > 0 ? partitionLags(groups, `${group}.retry`, tiers) : Promise.resolve([]),
    existing.has(dlq) ? groups.fetchTopicOffsets(dlq) : Promise.resolve([]),
  ]);
  return {
    ...base,
    topicExists: true,
    groupState: info.state,
    members: info.members.length,
    lag: sum(lags.map((p) => p.lag)),
    retrying: sum(retryLags.map((p) => p.lag)),
    deadLetters: sum(dlqOffsets.map((p) => Number(p.high) - Number(p.low))),
  };
}

function sum(values: readonly number[]): number {
  return values.reduce((a, b) => a + b, 0);
}
