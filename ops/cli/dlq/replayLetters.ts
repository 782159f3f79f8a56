import type { Redis } from 'ioredis';
import { RecordProducer } from '../../../pipeline/kafka/RecordProducer.js';
import type { IncomingRecord } from '../../../pipeline/kafka/records.js';
import { dlqTopicOf } from '../../../pipeline/retry/handOffHeaders.js';
import type { TaskDefinition } from '../../../pipeline/task/defineTask.js';
import { OperationFailed, type KafkaAdmins } from '../shared/services.js';
import { matches, positionOf, replayCopy, rowOf, type DeadLetterFilter } from './deadLetters.js';
import { readDeadLetters } from './readDeadLetters.js';
import { markReplayed, replayedPositions, withReplayLock } from './replayMarkers.js';

export interface ReplayOutcome {
  readonly dlq: string;
  /** Every dead letter the filter chose. */
  readonly chosen: readonly IncomingRecord[];
  /** Those copied back (or, in a dry run, to copy). */
  readonly copy: readonly IncomingRecord[];
  /** The positions an earlier replay had copied, before this one. */
  readonly before: ReadonlySet<string>;
}

/**
 * The one replay `taskstream dlq replay` and the dashboard both run: the dead letters the filter chooses,
 * less those replayed before (unless asked), copied back to the task's topic under the type's replay lock,
 * each marked as replayed once the broker acknowledged its copy.
 */
export async function replayLetters(
  admins: KafkaAdmins,
  redis: Redis,
  task: TaskDefinition,
  filter: DeadLetterFilter,
  opts: { readonly execute: boolean; readonly includeReplayed: boolean },
): Promise<ReplayOutcome> {
  const dlq = dlqTopicOf(task.topic);
  const chosen = (await readDeadLetters(admins, dlq)).filter((r) => matches(rowOf(r), filter));
  if (opts.execute && !(await admins.topics.listTopics()).includes(task.topic)) {
    throw new OperationFailed(`topic "${task.topic}" of task type "${task.name}" does not exist`);
  }
  const run = async () => {
    const before = await replayedPositions(redis, dlq);
    const copy = chosen.filter((r) => opts.includeReplayed || !before.has(positionOf(r)));
    if (opts.execute && copy.length > 0) await copyBack(admins, task, dlq, copy, redis);
    return { dlq, chosen, copy, before };
  };
  return opts.execute ? withReplayLock(redis, dlq, run) : run();
}

async function copyBack(
  admins: KafkaAdmins,
  task: TaskDefinition,
  dlq: string,
  letters: readonly IncomingRecord[],
  redis: Redis,
): Promise<void> {
  const producer = new RecordProducer(admins.kafka, admins.address);
  try {
    for (let i = 0; i < letters.length; i += 500) {
      const batch = letters.slice(i, i + 500);
      const outcomes = await producer.sendSettled(batch.map((r) => replayCopy(r, task.topic)));
      // Only what the broker acknowledged is marked: a crash in between copies it again next time, never loses it,
      // and a letter whose copy failed stays unmarked for the next replay.
      await markReplayed(redis, dlq, batch.filter((_, j) => outcomes[j]?.ok).map(positionOf));
      const failure = outcomes.find((o) => !o.ok);
      if (failure && !failure.ok) throw failure.error;
    }
  } finally {
    await producer.close();
  }
}
