import type { Command } from 'commander';
import { bumpEpoch } from '../../../pipeline/dedupe/DedupeEpoch.js';
import type { GroupInfo } from '../../../pipeline/kafka/GroupAdmin.js';
import { OffsetAdmin } from '../../../pipeline/kafka/OffsetAdmin.js';
import { parseIsoDateTime, parseIsoDuration } from '../isoTime.js';
import { planReset, totals, type PartitionPlan, type PartitionState, type ResetTarget } from '../offsets/resetPlan.js';
import { note, printJson, printTable, say } from '../shared/output.js';
import { configOf, OperationFailed, withKafka, withRedis, type Connections } from '../shared/services.js';
import { UsageError } from '../UsageError.js';

interface ResetOptions {
  group: string;
  topic: string;
  toEarliest?: boolean;
  toLatest?: boolean;
  toDatetime?: string;
  byDuration?: string;
  toOffset?: string;
  shiftBy?: string;
  partitions?: string;
  dryRun?: boolean;
  execute?: boolean;
  json?: boolean;
}

const TARGET_OPTIONS = [
  ['toEarliest', '--to-earliest'],
  ['toLatest', '--to-latest'],
  ['toDatetime', '--to-datetime'],
  ['byDuration', '--by-duration'],
  ['toOffset', '--to-offset'],
  ['shiftBy', '--shift-by'],
] as const;

const DEDUPE_HELP = `
Dry run is the default: it prints, per partition, the committed offset, the new one, and how many tasks
would run again (new < current) or be skipped (new > current). --execute applies the plan.

Offsets are moved only while the group has no live member: stop the group's workers first (SIGTERM each
worker process; it drains, commits and leaves the group). Offsets outside a partition's range are moved to
the nearer end, and a time maps to the first record at or after it (the end when there is none), as Kafka's
kafka-consumer-groups.sh --reset-offsets does.

Reprocessing really reprocesses: workers with dedupe on skip a task id they already marked done, and the
marks are keyed by the group's dedupe epoch (taskstream:epoch:<group> in Redis). When the plan makes any
task run again, --execute bumps that epoch before it moves the offsets, so the replayed tasks no longer
match their old marks and run again (the old marks expire on their own TTL). Redis must answer for that.

Examples:
  taskstream offsets reset --group taskstream.send-email --topic tasks.send-email --to-earliest
  taskstream offsets reset --group taskstream.send-email --topic tasks.send-email --by-duration PT1H --execute
  taskstream offsets reset --group g --topic t --shift-by -100 --partitions 0,2 --execute`;

export function registerOffsetsCommand(program: Command): void {
  const offsets = program.command('offsets').description("move a consumer group's committed offsets");

  offsets
    .command('reset')
    .description(
      "reset a group's offsets on a topic to reprocess or skip tasks (dry run unless --execute; bumps the dedupe epoch when tasks will run again)",
    )
    .requiredOption('--group <group>', 'the consumer group, e.g. taskstream.send-email (`<groupPrefix>.<task name>`)')
    .requiredOption('--topic <topic>', 'the topic, e.g. tasks.send-email')
    .option('--to-earliest', 'to the earliest offset still stored')
    .option('--to-latest', 'to the end: skip everything not yet processed')
    .option('--to-datetime <iso>', 'to the first task at or after this time, e.g. 2025-01-31T09:00:00Z')
    .option('--by-duration <iso>', 'to the first task at or after now minus this ISO 8601 duration, e.g. PT1H, P1DT12H')
    .option('--to-offset <n>', 'to this offset (moved into [earliest, end] when outside)')
    .option('--shift-by <n>', 'by n from the committed offset; negative reprocesses, positive skips')
    .option('--partitions <list>', 'only these partitions, e.g. 0,2 (default: all)')
    .option('--dry-run', 'print the plan and change nothing (the default)')
    .option('--execute', 'apply the plan')
    .option('--json', 'print JSON')
    .addHelpText('after', DEDUPE_HELP)
    .action(async (opts: ResetOptions, cmd: Command) => {
      const target = parseTarget(opts);
      if (opts.dryRun && opts.execute) throw new UsageError('give --dry-run or --execute, not both');
      const only = opts.partitions === undefined ? undefined : parsePartitions(opts.partitions);
      await resetOffsets(await configOf(cmd), opts, target, only);
    });
}

function parseTarget(opts: ResetOptions): ResetTarget {
  const given = TARGET_OPTIONS.filter(([key]) => opts[key] !== undefined);
  if (given.length !== 1) {
    const names = TARGET_OPTIONS.map(([, flag]) => flag).join(' | ');
    throw new UsageError(
      given.length === 0
        ? `say where to reset to: give one of ${names}`
        : `give exactly one of ${names} (got ${given.map(([, flag]) => flag).join(' and ')})`,
    );
  }
  if (opts.toEarliest) return { kind: 'earliest' };
  if (opts.toLatest) return { kind: 'latest' };
  if (opts.toDatetime !== undefined) {
    return { kind: 'time', timestampMs: parseIsoDateTime('--to-datetime', opts.toDatetime) };
  }
  if (opts.byDuration !== undefined) {
    return { kind: 'time', timestampMs: Date.now() - parseIsoDuration('--by-duration', opts.byDuration) };
  }
  if (opts.toOffset !== undefined) {
    const offset = parseInteger('--to-offset', opts.toOffset);
    if (offset < 0n) throw new UsageError(`--to-offset must be 0 or more, got ${opts.toOffset}`);
    return { kind: 'offset', offset };
  }
  return { kind: 'shift', by: parseInteger('--shift-by', opts.shiftBy as string) };
}

function parseInteger(option: string, text: string): bigint {
  if (!/^[+-]?\d+$/.test(text.trim())) throw new UsageError(`${option} must be a whole number, got "${text}"`);
  return BigInt(text.trim());
}

function parsePartitions(text: string): number[] {
  const parts = text.split(',').map((s) => s.trim());
  if (parts.some((p) => !/^\d+$/.test(p))) {
    throw new UsageError(`--partitions must list partition numbers separated by commas, e.g. 0,2; got "${text}"`);
  }
  return [...new Set(parts.map(Number))].sort((a, b) => a - b);
}

async function resetOffsets(
  config: Connections,
  opts: ResetOptions,
  target: ResetTarget,
  only: number[] | undefined,
): Promise<void> {
  const { group, topic } = opts;
  const execute = opts.execute === true;
  await withKafka(config, async ({ topics, groups, address, kafka }) => {
    if (!(await topics.listTopics()).includes(topic)) throw new OperationFailed(`topic "${topic}" does not exist`);
    let bounds = await groups.fetchTopicOffsets(topic);
    if (only) {
      const missing = only.filter((p) => !bounds.some((b) => b.partition === p));
      if (missing.length > 0) {
        throw new OperationFailed(
          `topic "${topic}" has partitions 0-${bounds.length - 1}; no partition ${missing.join(', ')}`,
        );
      }
      bounds = bounds.filter((b) => only.includes(b.partition));
    }
    const info = await groups.describeGroup(group);
    const live = info.members.length > 0 || !['Empty', 'Dead'].includes(info.state);
    if (execute && live) throw new OperationFailed(refusal(info));

    const committed = new Map<number, bigint>();
    for (const c of await groups.fetchOffsets(group, [topic])) {
      if (BigInt(c.offset) >= 0n) committed.set(c.partition, BigInt(c.offset));
    }
    const offsetAdmin = new OffsetAdmin(kafka, address);
    try {
      const atTime = target.kind === 'time' ? await offsetAdmin.offsetsAtTime(topic, target.timestampMs) : undefined;
      const states: PartitionState[] = bounds.map((b) => ({
        partition: b.partition,
        low: BigInt(b.low),
        high: BigInt(b.high),
        committed: committed.get(b.partition),
        ...(atTime?.has(b.partition) ? { atTime: atTime.get(b.partition) } : {}),
      }));
      const plan = planReset(target, states);
      const sum = totals(plan);

      let epoch: number | undefined;
      if (execute) {
        if (sum.reprocess > 0n) epoch = await bumpDedupeEpoch(group);
        await offsetAdmin.setOffsets(group, topic, new Map(plan.map((p) => [p.partition, p.newOffset])));
      }
      report({ opts, target, plan, info, live, execute, epoch });
    } finally {
      await offsetAdmin.close();
    }
  });
}

/** One line: who is still in the group, and how to stop them. */
function refusal(info: GroupInfo): string {
  if (info.members.length === 0) {
    return `group "${info.groupId}" is ${info.state} (a rebalance is under way); offsets can be reset only while it is Empty: wait until its workers have left, then run this again`;
  }
  const members = info.members.map(describeMember).join('; ');
  const n = info.members.length;
  return (
    `group "${info.groupId}" has ${n} live member${n === 1 ? '' : 's'} (${members}); offsets can be reset only ` +
    `while no worker of the group runs: stop ${n === 1 ? 'it' : 'them'} with SIGTERM (each worker drains, ` +
    `commits and leaves the group), then run this again`
  );
}

function describeMember(m: GroupInfo['members'][number]): string {
  // Workers name their client `taskstream-worker-<host>-<pid>-<random>`, which tells where to send the signal.
  const worker = /^taskstream-worker-(.+)-(\d+)-[0-9a-f]{6}$/.exec(m.clientId);
  const where = worker ? `, pid ${worker[2]} on ${worker[1]}: kill -TERM ${worker[2]}` : '';
  return `member ${m.memberId}, client ${m.clientId}, host ${m.clientHost}${where}`;
}

async function bumpDedupeEpoch(group: string): Promise<number> {
  try {
    return await withRedis((redis) => bumpEpoch(redis, group));
  } catch (err) {
    const reason = err instanceof Error ? err.message : String(err);
    throw new OperationFailed(
      `could not bump the dedupe epoch of "${group}", so no offset was moved: ${reason}`,
      'SERVICE_UNAVAILABLE',
      err,
    );
  }
}

function describeTarget(opts: ResetOptions): string {
  const [key, flag] = TARGET_OPTIONS.find(([k]) => opts[k] !== undefined) ?? ['toEarliest', '--to-earliest'];
  const value = opts[key];
  return typeof value === 'string' ? `${flag} ${value}` : flag;
}

function report(r: {
  opts: ResetOptions;
  target: ResetTarget;
  plan: readonly PartitionPlan[];
  info: GroupInfo;
  live: boolean;
  execute: boolean;
  epoch: number | undefined;
}): void {
  const { opts, plan, info, live, execute, epoch } = r;
  const sum = totals(plan);
  if (opts.json) {
    printJson({
      group: opts.group,
      topic: opts.topic,
      reset: describeTarget(opts),
      executed: execute,
      groupState: info.state,
      liveMembers: info.members.map((m) => ({ memberId: m.memberId, clientId: m.clientId, host: m.clientHost })),
      partitions: plan.map((p) => ({
        partition: p.partition,
        low: p.low.toString(),
        high: p.high.toString(),
        committed: p.committed === undefined ? null : p.committed.toString(),
        newOffset: p.newOffset.toString(),
        reprocess: Number(p.reprocess),
        skip: Number(p.skip),
        ...(p.clampedFrom === undefined ? {} : { requested: p.clampedFrom.toString() }),
      })),
      reprocess: Number(sum.reprocess),
      skip: Number(sum.skip),
      dedupeEpoch: epoch ?? null,
    });
    return;
  }
  say(
    `${execute ? 'Reset' : 'Plan for'} group "${opts.group}" on topic "${opts.topic}" (${describeTarget(opts)})` +
      `${execute ? '' : ': dry run, nothing changed'}`,
  );
  printTable(
    ['PARTITION', 'CURRENT', 'NEW', 'REPROCESS', 'SKIP', 'EARLIEST', 'END'],
    plan.map((p) => [
      p.partition,
      p.committed === undefined ? '-' : p.committed.toString(),
      p.newOffset.toString(),
      p.reprocess.toString(),
      p.skip.toString(),
      p.low.toString(),
      p.high.toString(),
    ]),
  );
  for (const p of plan) {
    if (p.clampedFrom === undefined) continue;
    const where = p.clampedFrom > p.high ? `past the end (${p.high})` : `before the earliest offset (${p.low})`;
    note(`partition ${p.partition}: offset ${p.clampedFrom} is ${where}; using ${p.newOffset}`);
  }
  if (plan.some((p) => p.committed === undefined)) {
    note('CURRENT "-": the group never committed there; a worker would start at EARLIEST');
  }
  const counts = `${sum.reprocess} task${sum.reprocess === 1n ? '' : 's'} ${execute ? 'will run' : 'would run'} again, ${sum.skip} ${execute ? 'will be' : 'would be'} skipped`;
  if (!execute) {
    say(`${counts}. Apply with --execute${sum.reprocess > 0n ? ' (it also bumps the dedupe epoch)' : ''}.`);
    if (live) note(`note: --execute will refuse now: ${refusal(info)}`);
    return;
  }
  say(`${counts}.`);
  say(
    epoch === undefined
      ? 'Dedupe epoch unchanged: no task runs again.'
      : `Dedupe epoch of "${opts.group}" is now ${epoch}: tasks already marked done run again.`,
  );
}
