import type { Redis } from 'ioredis';
import type { IncomingRecord } from '../../../pipeline/kafka/records.js';
import { dlqTopicOf } from '../../../pipeline/retry/handOffHeaders.js';
import type { TaskDefinition } from '../../../pipeline/task/defineTask.js';
import { printJson, printTable, say } from '../shared/output.js';
import { withKafka, withRedis, type Connections, type KafkaAdmins } from '../shared/services.js';
import { matches, positionOf, rowOf, type DeadLetterFilter } from './deadLetters.js';
import { purgePlan, type PartitionPurge } from './purgePlan.js';
import { dlqBounds, readRanges } from './readDeadLetters.js';
import { replayedPositions, unmarkReplayed, withReplayLock } from './replayMarkers.js';

export interface PurgeOptions {
  readonly json?: boolean;
  readonly execute?: boolean;
  /** Only letters that `dlq replay` copied back (their marker is in Redis). */
  readonly replayedOnly?: boolean;
}

interface Plan {
  readonly parts: PartitionPurge[];
  readonly letters: IncomingRecord[];
}

/** `dlq purge`: removes the chosen prefix of each DLQ partition (dry run unless executing). */
export async function purgeDeadLetters(
  config: Connections,
  task: TaskDefinition,
  filter: DeadLetterFilter,
  opts: PurgeOptions,
): Promise<void> {
  const dlq = dlqTopicOf(task.topic);
  await withKafka(config, (admins) =>
    withRedis(async (redis) => {
      const run = async (): Promise<Plan> => {
        const plan = await planFor(admins, redis, dlq, filter, opts);
        if (opts.execute) await cut(admins, redis, dlq, plan);
        return plan;
      };
      // Under the replay lock: a replay running now could copy a letter this purge is about to remove.
      const plan = opts.execute ? await withReplayLock(redis, dlq, run) : await run();
      report(dlq, plan, opts);
    }),
  );
}

async function planFor(
  admins: KafkaAdmins,
  redis: Redis,
  dlq: string,
  filter: DeadLetterFilter,
  opts: PurgeOptions,
): Promise<Plan> {
  const bounds = await dlqBounds(admins, dlq);
  const letters = await readRanges(admins, dlq, bounds);
  const replayed = opts.replayedOnly ? await replayedPositions(redis, dlq) : undefined;
  const purgeable = (l: IncomingRecord): boolean =>
    matches(rowOf(l), filter) && (replayed === undefined || replayed.has(positionOf(l)));
  return { parts: purgePlan(bounds, letters, purgeable), letters };
}

async function cut(admins: KafkaAdmins, redis: Redis, dlq: string, plan: Plan): Promise<void> {
  const cuts = new Map(plan.parts.filter((p) => p.purged > 0).map((p) => [p.partition, p.to]));
  await admins.topics.deleteRecordsBefore(dlq, cuts);
  // Their offsets are never used again, so their replay markers only take room now.
  const gone = plan.letters.filter((l) => BigInt(l.offset) < (cuts.get(l.partition) ?? -1n)).map(positionOf);
  await unmarkReplayed(redis, dlq, gone);
}

function report(dlq: string, plan: Plan, opts: PurgeOptions): void {
  const { parts } = plan;
  const sum = (f: (p: PartitionPurge) => number): number => parts.reduce((n, p) => n + f(p), 0);
  const purged = sum((p) => p.purged);
  const kept = sum((p) => p.kept);
  const keptMatching = sum((p) => p.keptMatching);
  if (opts.json) {
    printJson({
      dlqTopic: dlq,
      executed: opts.execute === true,
      purged,
      kept,
      keptMatching,
      partitions: parts.map((p) => ({ ...p, from: p.from.toString(), to: p.to.toString() })),
    });
    return;
  }
  printTable(
    ['PARTITION', 'OFFSETS', 'PURGE', 'KEEP', 'KEPT MATCHING', 'STOPS AT'],
    parts.map((p) => [
      p.partition,
      p.purged > 0 ? `${p.from}..${p.to - 1n}` : '-',
      p.purged,
      p.kept,
      p.keptMatching,
      p.stoppedAt === undefined ? '-' : `${p.partition}:${p.stoppedAt}`,
    ]),
  );
  const letters = (n: number): string => `${n} dead letter${n === 1 ? '' : 's'}`;
  const behind =
    keptMatching > 0
      ? ` (${keptMatching} of them match but sit behind a letter that does not: Kafka removes only a prefix of a partition)`
      : '';
  say(`${opts.execute ? 'purged' : 'would purge'} ${letters(purged)} from ${dlq}; ${kept} kept${behind}`);
  if (!opts.execute && purged > 0) say('Apply with --execute.');
}
