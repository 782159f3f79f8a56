import type { Command } from 'commander';
import { dlqTopicOf } from '../../../pipeline/retry/handOffHeaders.js';
import { findTask } from '../config/loadConfig.js';
import { matches, rowOf, type DeadLetterFilter } from '../dlq/deadLetters.js';
import { decodePayload, letterJson, printLetter, printRows } from '../dlq/printDeadLetters.js';
import { parsePosition, readDeadLetterAt, readDeadLetters } from '../dlq/readDeadLetters.js';
import { isFiltered, replayDeadLetters, type ReplayOptions as Replay } from '../dlq/replayDeadLetters.js';
import { purgeDeadLetters } from '../dlq/purgeDeadLetters.js';
import { parseIsoDateTime } from '../isoTime.js';
import { printJson, say } from '../shared/output.js';
import { configOf, withKafka } from '../shared/services.js';
import { UsageError } from '../UsageError.js';

interface FilterOptions {
  error?: string;
  since?: string;
  until?: string;
  taskId?: string[];
  json?: boolean;
}

interface ReplayOptions extends FilterOptions, Replay {
  dryRun?: boolean;
}

const collect = (value: string, previous: string[] = []): string[] => [...previous, value];

function withFilters(command: Command): Command {
  return command
    .option('--error <text>', 'only dead letters whose error class or message contains this (any case)')
    .option('--since <iso>', 'only those that failed at or after this time, e.g. 2025-01-31T09:00:00Z')
    .option('--until <iso>', 'only those that failed before this time')
    .option('--task-id <id>', 'only this task id (repeat for more)', collect)
    .option('--json', 'print JSON');
}

function filterOf(opts: FilterOptions): DeadLetterFilter {
  const since = opts.since === undefined ? undefined : parseIsoDateTime('--since', opts.since);
  const until = opts.until === undefined ? undefined : parseIsoDateTime('--until', opts.until);
  if (since !== undefined && until !== undefined && since >= until) {
    throw new UsageError(`--since (${opts.since}) must be before --until (${opts.until})`);
  }
  return {
    ...(opts.error === undefined ? {} : { error: opts.error }),
    ...(since === undefined ? {} : { since }),
    ...(until === undefined ? {} : { until }),
    ...(opts.taskId === undefined ? {} : { taskIds: opts.taskId }),
  };
}

interface PurgeOptions {
  before?: string;
  replayedOnly?: boolean;
  error?: string;
  all?: boolean;
  dryRun?: boolean;
  execute?: boolean;
  json?: boolean;
}

const PURGE_HELP = `
Dry run is the default: per partition, how many dead letters would go and their offset range.
--execute removes them with Kafka's DeleteRecords; they cannot be brought back.

Kafka removes only a prefix of a partition (everything before an offset), never letters in between. So in
each partition the purge goes up to the first dead letter the filters do not choose and stops there: the
letters after it stay even when they match (KEPT MATCHING counts them), until a later purge can reach them.
Run it after the replays and fixes that handle the oldest letters first.

Give at least one filter, or --all for every dead letter of the type.`;

const REPLAY_HELP = `
Dry run is the default: it lists the dead letters the filters choose and whether each was replayed before.
--execute copies them to the task's topic with the idempotent producer: the same key and value bytes, the
task's own headers (so its task id, ts-id, stays the same), none of the failure headers (so the attempt
count starts again at 1), and ts-replayed-from: <partition>:<offset> of the dead letter. The dead letters
stay where they are.

Each dead letter is replayed once: what was copied is remembered in Redis, in the set
taskstream:replayed:<dlq topic> of <partition>:<offset>, so replaying the same range again copies nothing
new (--include-replayed copies them again). A committed consumer-group offset cannot remember this, since
filters choose a subset, not a prefix. Markers are written after each batch is acknowledged: if the
process dies in between, that batch is copied again by the next replay (same task ids, so dedupe catches
the repeat). Two replays of one type never run at once (a lock in Redis).`;

export function registerDlqCommand(program: Command): void {
  const dlq = program.command('dlq').description("a task type's dead letters (<topic>.dlq): list, show, replay, purge");

  withFilters(
    dlq
      .command('list')
      .description('every dead letter of a task type, from the beginning of its DLQ to its current end (reads only)')
      .argument('<type>', 'task type name (from --config)'),
  ).action(async (type: string, opts: FilterOptions, cmd: Command) => {
    const filter = filterOf(opts);
    const config = await configOf(cmd);
    const task = findTask(config, type);
    const topic = dlqTopicOf(task.topic);
    await withKafka(config, async (admins) => {
      const rows = (await readDeadLetters(admins, topic)).map(rowOf).filter((r) => matches(r, filter));
      if (opts.json) return printJson(rows);
      if (rows.length === 0) return say(`no dead letters in ${topic}${isFiltered(filter) ? ' match' : ''}`);
      printRows(rows);
      say(`${rows.length} dead letter${rows.length === 1 ? '' : 's'} in ${topic}`);
    });
  });

  dlq
    .command('show')
    .description('one dead letter: every header and the payload, decoded (or as hex, with why it does not decode)')
    .argument('<type>', 'task type name (from --config)')
    .argument('<offset>', '<partition>:<offset> as `dlq list` shows it (a bare offset when one partition has it)')
    .option('--json', 'print JSON')
    .action(async (type: string, position: string, opts: { json?: boolean }, cmd: Command) => {
      const wanted = parsePosition(position);
      const config = await configOf(cmd);
      const task = findTask(config, type);
      const topic = dlqTopicOf(task.topic);
      await withKafka(config, async (admins) => {
        const record = await readDeadLetterAt(admins, topic, wanted, position);
        const payload = await decodePayload(task, record.value, config.registry);
        if (opts.json) return printJson(letterJson(topic, record, payload));
        printLetter(task, record, payload);
      });
    });

  dlq
    .command('purge')
    .description('remove handled dead letters from the start of each DLQ partition (dry run unless --execute)')
    .argument('<type>', 'task type name (from --config)')
    .option('--before <iso>', 'only those that failed before this time, e.g. 2025-01-31T09:00:00Z')
    .option('--replayed-only', 'only those that `dlq replay` copied back (their marker is in Redis)')
    .option('--error <text>', 'only those whose error class or message contains this (any case)')
    .option('--all', 'every dead letter (when no filter is given)')
    .option('--dry-run', 'show what would be removed and change nothing (the default)')
    .option('--execute', 'remove them')
    .option('--json', 'print JSON')
    .addHelpText('after', PURGE_HELP)
    .action(async (type: string, opts: PurgeOptions, cmd: Command) => {
      if (opts.dryRun && opts.execute) throw new UsageError('give --dry-run or --execute, not both');
      const filtered = opts.before !== undefined || opts.replayedOnly === true || opts.error !== undefined;
      if (filtered && opts.all) throw new UsageError('--all removes every dead letter: give it without filters');
      if (!filtered && !opts.all) {
        throw new UsageError('give a filter (--before, --replayed-only, --error), or --all for every dead letter');
      }
      const filter: DeadLetterFilter = {
        ...(opts.before === undefined ? {} : { until: parseIsoDateTime('--before', opts.before) }),
        ...(opts.error === undefined ? {} : { error: opts.error }),
      };
      const config = await configOf(cmd);
      await purgeDeadLetters(config, findTask(config, type), filter, opts);
    });

  withFilters(
    dlq
      .command('replay')
      .description('copy chosen dead letters back to the task topic, once each (dry run unless --execute)')
      .argument('<type>', 'task type name (from --config)'),
  )
    .option('--dry-run', 'list what would be copied and change nothing (the default)')
    .option('--execute', 'copy them')
    .option('--include-replayed', 'copy dead letters that an earlier replay already copied, again')
    .addHelpText('after', REPLAY_HELP)
    .action(async (type: string, opts: ReplayOptions, cmd: Command) => {
      const filter = filterOf(opts);
      if (opts.dryRun && opts.execute) throw new UsageError('give --dry-run or --execute, not both');
      const config = await configOf(cmd);
      await replayDeadLetters(config, findTask(config, type), filter, opts);
    });
}
