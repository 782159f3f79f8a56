import { Option, type Command } from 'commander';
import type { CommittedOffset, GroupAdmin, GroupInfo } from '../../../pipeline/kafka/GroupAdmin.js';
import { DEPRECATED_TYPE_OPTION, resolveTargets, typeArgument, type GroupTarget } from '../shared/groups.js';
import { partitionLags } from '../../../pipeline/kafka/partitionLags.js';
import { duration, formatDuration, printJson, printTable, red, say } from '../shared/output.js';
import {
  judgeProgress,
  readSightings,
  stateFilePath,
  writeSightings,
  type OffsetSighting,
  type ProgressStatus,
} from '../shared/progressState.js';
import { configOf, withKafka } from '../shared/services.js';
import { progressText, runningTasksOrWhy, type RunningTaskSighting } from '../shared/runningTasks.js';

interface WorkersOptions {
  type?: string;
  group?: string;
  stuckAfter: number;
  sample: number;
  json?: boolean;
}

interface PartitionReport {
  readonly topic: string;
  readonly partition: number;
  /** The member the partition is assigned to; null when no member has it. */
  readonly memberId: string | null;
  readonly committed: number | null;
  readonly end: number;
  readonly lag: number;
  readonly status: ProgressStatus;
  /** How long the committed offset has been where it is, as far as this run and earlier runs saw. */
  readonly unchangedMs: number;
}

export function registerWorkersCommand(program: Command): void {
  program
    .command('workers')
    .description(
      "a worker group's members (member id, client id, host) with their partitions, which partitions are stuck, and the running tasks that report progress",
    )
    .argument('[type]', 'task type (its worker group is taskstream.<type> unless --group says otherwise)')
    .option(...DEPRECATED_TYPE_OPTION)
    .option('--group <group>', 'consumer group (default: the worker group of each task type that has one)')
    .addOption(
      new Option('--stuck-after <duration>', 'STUCK: lag > 0 and the committed offset has not moved for this long')
        .argParser(duration)
        .default(60_000, '60s'),
    )
    .addOption(
      new Option('--sample <duration>', 'watch the committed offsets this long before reporting (0: one sample)')
        .argParser(duration)
        .default(2000, '2s'),
    )
    .option('--json', 'print JSON')
    .addHelpText(
      'after',
      `
Progress is judged from committed offsets: this command samples them twice (--sample apart) and also
remembers, in a small file in the system's temp folder, since when each partition's committed offset has
been where it is, so a run a minute after the last one can tell a partition that has not moved since.
Statuses: caught-up (lag 0), progressing (moved), waiting (lag > 0, unchanged for less than --stuck-after),
STUCK (lag > 0, unchanged for --stuck-after or longer; shown in red on a terminal).
Running tasks whose handlers call ctx.progress(done, total) are listed with their progress, as their
workers publish them to Redis every 5 s (an entry expires 15 s after its worker last published it).`,
    )
    .action(async (type: string | undefined, opts: WorkersOptions, cmd: Command) => {
      const chosen = { group: opts.group, type: typeArgument('workers', type, opts.type) };
      const config = await configOf(cmd);
      await withKafka(config, async ({ groups, topics, address }) => {
        const targets = await resolveTargets(config, chosen, groups, topics);
        const first = await Promise.all(targets.map((t) => sample(groups, t)));
        const t0 = Date.now();
        if (opts.sample > 0) await new Promise((r) => setTimeout(r, opts.sample));
        const stateFile = stateFilePath(address);
        const reports = [];
        for (const [i, target] of targets.entries()) {
          reports.push(await report(groups, target, first[i] ?? [], t0, opts, stateFile));
        }
        const running = await runningTasksOrWhy(reports.map((r) => r.group));
        const withRunning = reports.map((r) => ({
          ...r,
          running: 'byGroup' in running ? (running.byGroup.get(r.group) ?? []) : null,
        }));
        if (opts.json) return printJson(withRunning);
        withRunning.forEach((r, i) => {
          if (i > 0) say();
          printReport(r, opts.stuckAfter);
          printRunning(r.running, 'error' in running ? running.error : undefined);
        });
      });
    });
}

function sample(groups: GroupAdmin, target: GroupTarget): Promise<CommittedOffset[]> {
  return groups.fetchOffsets(target.group, target.topics.length > 0 ? target.topics : undefined);
}

async function report(
  groups: GroupAdmin,
  target: GroupTarget,
  first: readonly CommittedOffset[],
  t0: number,
  opts: WorkersOptions,
  stateFile: string,
) {
  const info = await groups.describeGroup(target.group);
  const second = await sample(groups, target);
  const t1 = Date.now();
  const owner = new Map<string, string>();
  for (const m of info.members) for (const a of m.assignment) owner.set(`${a.topic}:${a.partition}`, m.memberId);
  const topicNames =
    target.topics.length > 0
      ? target.topics
      : [
          ...new Set([...second.map((c) => c.topic), ...info.members.flatMap((m) => m.assignment.map((a) => a.topic))]),
        ].sort();
  const lags = await partitionLags(groups, target.group, topicNames, second);
  const before = new Map(first.map((c) => [`${c.topic}:${c.partition}`, Number(c.offset)]));
  const history = readSightings(stateFile, target.group);
  const sightings = new Map<string, OffsetSighting>();
  const partitions: PartitionReport[] = lags.map((p) => {
    const key = `${p.topic}:${p.partition}`;
    const judged = judgeProgress({
      lag: p.lag,
      first: before.get(key) ?? -1,
      second: p.committed ?? -1,
      previousRun: history.get(key),
      t0,
      t1,
      stuckAfterMs: opts.stuckAfter,
    });
    sightings.set(key, judged.sighting);
    const { status, unchangedMs } = judged;
    return { ...p, memberId: owner.get(key) ?? null, status, unchangedMs };
  });
  writeSightings(stateFile, target.group, sightings);
  return {
    group: target.group,
    type: target.type,
    state: info.state,
    members: info.members.map((m) => ({
      memberId: m.memberId,
      clientId: m.clientId,
      host: m.clientHost,
      partitions: m.assignment,
    })),
    partitions,
    stuckAfterMs: opts.stuckAfter,
  };
}

function printReport(
  r: {
    group: string;
    type: string | null;
    state: GroupInfo['state'];
    members: {
      memberId: string;
      clientId: string;
      host: string;
      partitions: GroupInfo['members'][number]['assignment'];
    }[];
    partitions: PartitionReport[];
  },
  stuckAfter: number,
): void {
  const n = r.members.length;
  say(`group ${r.group}${r.type ? ` (task type ${r.type})` : ''}: ${r.state}, ${n} member${n === 1 ? '' : 's'}`);
  if (n === 0) {
    say('no members: no worker is running in this group');
  } else {
    printTable(
      ['MEMBER', 'CLIENT', 'HOST', 'PARTITIONS'],
      r.members.map((m) => [m.memberId, m.clientId, m.host, formatAssignment(m.partitions) || '(none)']),
    );
  }
  if (r.partitions.length === 0) return;
  say();
  printTable(
    ['TOPIC', 'PARTITION', 'MEMBER', 'COMMITTED', 'END', 'LAG', 'STATUS'],
    r.partitions.map((p) => [
      p.topic,
      p.partition,
      p.memberId ?? '-',
      p.committed ?? '-',
      p.end,
      p.lag,
      statusText(p, stuckAfter),
    ]),
  );
  const stuck = r.partitions.filter((p) => p.status === 'stuck').length;
  if (stuck > 0) say(red(`${stuck} partition${stuck === 1 ? '' : 's'} STUCK`));
}

function printRunning(running: readonly RunningTaskSighting[] | null, error: string | undefined): void {
  if (running === null) {
    say(`running tasks: not known (${error ?? 'Redis did not answer'})`);
    return;
  }
  if (running.length === 0) return;
  say();
  printTable(
    ['TASK', 'PARTITION', 'ATTEMPT', 'PROGRESS', 'RUNNING FOR', 'WORKER'],
    running.map((t) => [
      t.taskId,
      t.partition,
      t.attempt,
      progressText(t.progress),
      formatDuration(t.publishedAt - t.startedAt),
      t.workerId,
    ]),
  );
}

function statusText(p: PartitionReport, stuckAfter: number): string {
  switch (p.status) {
    case 'caught-up':
      return 'caught up';
    case 'progressing':
      return 'progressing';
    case 'waiting':
      return `no progress for ${formatDuration(p.unchangedMs)} (STUCK at ${formatDuration(stuckAfter)})`;
    case 'stuck':
      return red(`STUCK: no progress for ${formatDuration(p.unchangedMs)}`);
  }
}

function formatAssignment(assignment: readonly { topic: string; partition: number }[]): string {
  const byTopic = new Map<string, number[]>();
  for (const a of assignment) byTopic.set(a.topic, [...(byTopic.get(a.topic) ?? []), a.partition]);
  return [...byTopic].map(([topic, parts]) => `${topic}[${parts.join(',')}]`).join(' ');
}
