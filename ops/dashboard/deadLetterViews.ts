import type { Redis } from 'ioredis';
import type { RegistryOptions } from '../../pipeline/codec/RegistryEndpoint.js';
import { dlqTopicOf } from '../../pipeline/retry/handOffHeaders.js';
import type { TaskDefinition } from '../../pipeline/task/defineTask.js';
import { matches, positionOf, rowOf, type DeadLetterFilter, type DeadLetterRow } from '../cli/dlq/deadLetters.js';
import { decodePayload, letterJson } from '../cli/dlq/printDeadLetters.js';
import { readDeadLetterAt, readDeadLetters } from '../cli/dlq/readDeadLetters.js';
import { replayedPositions } from '../cli/dlq/replayMarkers.js';
import type { KafkaAdmins } from '../cli/shared/services.js';

export interface LetterListing {
  readonly dlqTopic: string;
  /** Dead letters stored, and how many of them the filter matches. */
  readonly stored: number;
  readonly matching: number;
  /** The newest `limit` of the matching ones, newest first, each with whether a replay already copied it. */
  readonly letters: readonly (DeadLetterRow & { readonly position: string; readonly replayed: boolean })[];
}

/** A type's dead letters for the page, read as `dlq list` reads them. */
export async function listLetters(
  admins: KafkaAdmins,
  redis: Redis | undefined,
  task: TaskDefinition,
  filter: DeadLetterFilter,
  limit: number,
): Promise<LetterListing> {
  const dlqTopic = dlqTopicOf(task.topic);
  if (!(await admins.topics.listTopics()).includes(dlqTopic)) return { dlqTopic, stored: 0, matching: 0, letters: [] };
  const rows = (await readDeadLetters(admins, dlqTopic)).map(rowOf);
  const replayed = redis === undefined ? new Set<string>() : await replayedPositions(redis, dlqTopic);
  const matching = rows
    .filter((r) => matches(r, filter))
    .sort(
      (a, b) =>
        b.failedAt.localeCompare(a.failedAt) || b.partition - a.partition || Number(b.offset) - Number(a.offset),
    );
  return {
    dlqTopic,
    stored: rows.length,
    matching: matching.length,
    letters: matching
      .slice(0, limit)
      .map((r) => ({ ...r, position: positionOf(r), replayed: replayed.has(positionOf(r)) })),
  };
}

/** One dead letter, headers and decoded payload, as `dlq show --json` prints it. */
export async function showLetter(
  admins: KafkaAdmins,
  registry: RegistryOptions,
  task: TaskDefinition,
  partition: number,
  offset: bigint,
) {
  const topic = dlqTopicOf(task.topic);
  const record = await readDeadLetterAt(admins, topic, { partition, offset }, `${partition}:${offset}`);
  return letterJson(topic, record, await decodePayload(task, record.value, registry));
}
