import type { Redis } from 'ioredis';
import { RecordProducer } from '../../../pipeline/kafka/RecordProducer.js';
import type { IncomingRecord } from '../../../pipeline/kafka/records.js';
import { dlqTopicOf } from '../../../pipeline/retry/handOffHeaders.js';
import type { TaskDefinition } from '../../../pipeline/task/defineTask.js';
import { printJson, say } from '../shared/output.js';
import { OperationFailed, withKafka, withRedis, type Connections, type KafkaAdmins } from '../shared/services.js';
import { matches, positionOf, replayCopy, rowOf, type DeadLetterFilter } from './deadLetters.js';
import { printRows } from './printDeadLetters.js';
import { readDeadLetters } from './readDeadLetters.js';
import { markReplayed, replayedKey, replayedPositions, withReplayLock } from './replayMarkers.js';

export interface ReplayOptions {
  json?: boolean;
  execute?: boolean;
  includeReplayed?: boolean;
}

/** `dlq replay`: the chosen dead letters, each copied back to the task topic once (dry run unless executing). */
export async function replayDeadLetters(
  config: Connections,
  task: TaskDefinition,
  filter: DeadLetterFilter,
  opts: ReplayOptions,
): Promise<void> {
  const dlq = dlqTopicOf(task.topic);
  const execute = opts.execute === true;
  await withKafka(config, async (admins) => {
    const chosen = (await readDeadLetters(admins, dlq)).filter((r) => matches(rowOf(r), filter));
    if (execute && !(await admins.topics.listTopics()).includes(task.topic)) {
      throw new OperationFailed(`topic "${task.topic}" of task type "${task.name}" does not exist`);
    }
    await withRedis(async (redis) => {
      const run = async () => {
        const before = await replayedPositions(redis, dlq);
        const copy = chosen.filter((r) => opts.includeReplayed || !before.has(positionOf(r)));
        if (execute && copy.length > 0) await copyBack(admins, task, dlq, copy, redis);
        return { before, copy };
      };
      const { before, copy } = execute ? await withReplayLock(redis, dlq, run) : await run();
      reportReplay({ task, dlq, filter, chosen, copy: new Set(copy), before, execute, opts });
    });
  });
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

function reportReplay(r: {
  task: TaskDefinition;
  dlq: string;
  filter: DeadLetterFilter;
  chosen: readonly IncomingRecord[];
  copy: ReadonlySet<IncomingRecord>;
  before: ReadonlySet<string>;
  execute: boolean;
  opts: ReplayOptions;
}): void {
  const { task, dlq, filter, chosen, copy, before, execute, opts } = r;
  const status = (rec: IncomingRecord): string =>
    copy.has(rec) ? (execute ? 'copied' : 'to copy') : before.has(positionOf(rec)) ? 'already replayed' : 'skipped';
  const skipped = chosen.length - copy.size;
  if (opts.json) {
    printJson({
      dlqTopic: dlq,
      topic: task.topic,
      executed: execute,
      letters: chosen.map((rec) => ({ ...rowOf(rec), status: status(rec) })),
      copied: execute ? copy.size : 0,
      toCopy: execute ? 0 : copy.size,
      alreadyReplayed: skipped,
    });
    return;
  }
  if (chosen.length === 0) {
    say(`no dead letters in ${dlq}${isFiltered(filter) ? ' match' : ''}: nothing to replay`);
    return;
  }
  const byRow = new Map(chosen.map((rec) => [positionOf(rec), rec]));
  printRows(chosen.map(rowOf), (row) => status(byRow.get(positionOf(row)) as IncomingRecord));
  const already = skipped > 0 ? ` (${skipped} already replayed, left out; --include-replayed copies them again)` : '';
  if (execute) {
    say(`copied ${copy.size} dead letter${copy.size === 1 ? '' : 's'} to ${task.topic}${already}`);
    say(`replayed positions are kept in Redis: ${replayedKey(dlq)}`);
  } else {
    say(`${copy.size} would be copied to ${task.topic}${already}. Apply with --execute.`);
  }
}

export function isFiltered(f: DeadLetterFilter): boolean {
  return f.error !== undefined || f.since !== undefined || f.until !== undefined || f.taskIds !== undefined;
}
