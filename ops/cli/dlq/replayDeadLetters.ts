import type { IncomingRecord } from '../../../pipeline/kafka/records.js';
import type { TaskDefinition } from '../../../pipeline/task/defineTask.js';
import { printJson, say } from '../shared/output.js';
import { withKafka, withRedis, type Connections } from '../shared/services.js';
import { positionOf, rowOf, type DeadLetterFilter } from './deadLetters.js';
import { printRows } from './printDeadLetters.js';
import { replayedKey } from './replayMarkers.js';
import { replayLetters } from './replayLetters.js';

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
  const execute = opts.execute === true;
  await withKafka(config, (admins) =>
    withRedis(async (redis) => {
      const { dlq, chosen, copy, before } = await replayLetters(admins, redis, task, filter, {
        execute,
        includeReplayed: opts.includeReplayed === true,
      });
      reportReplay({ task, dlq, filter, chosen, copy: new Set(copy), before, execute, opts });
    }),
  );
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
  return (
    f.error !== undefined ||
    f.since !== undefined ||
    f.until !== undefined ||
    f.taskIds !== undefined ||
    f.positions !== undefined
  );
}
