import type { Command } from 'commander';
import { DEPRECATED_TYPE_OPTION, resolveTargets, typeArgument } from '../shared/groups.js';
import { partitionLags } from '../../../pipeline/kafka/partitionLags.js';
import { printJson, printTable, say } from '../shared/output.js';
import { configOf, withKafka } from '../shared/services.js';
import { delayedBacklog, rangeHeadReader, TierHeadTimes } from '../shared/delayedBacklog.js';
import { findTask } from '../config/loadConfig.js';

export function registerLagCommand(program: Command): void {
  program
    .command('lag')
    .description('per partition: end offset, committed offset and lag of a worker group, with the total')
    .argument('[type]', 'task type (its worker group is taskstream.<type> unless --group says otherwise)')
    .option(...DEPRECATED_TYPE_OPTION)
    .option('--group <group>', 'consumer group (default: the worker group of each task type that has one)')
    .option('--json', 'print JSON')
    .addHelpText(
      'after',
      `
Lag is end offset minus committed offset: tasks written but not yet completed and committed. A partition
the group never committed counts from its earliest stored record, where a worker would start. For a task type
that accepts delayed tasks, a line says how many wait in its delay tiers and the earliest time among the
tiers' next records.`,
    )
    .action(async (type: string | undefined, opts: { type?: string; group?: string; json?: boolean }, cmd: Command) => {
      const chosen = { group: opts.group, type: typeArgument('lag', type, opts.type) };
      const config = await configOf(cmd);
      await withKafka(config, async (admins) => {
        const { groups, topics } = admins;
        const targets = await resolveTargets(config, chosen, groups, topics);
        const reports = [];
        const heads = new TierHeadTimes(rangeHeadReader(admins.kafka, admins.address));
        for (const t of targets) {
          const committed = await groups.fetchOffsets(t.group, t.topics.length > 0 ? t.topics : undefined);
          const topicNames = t.topics.length > 0 ? t.topics : [...new Set(committed.map((c) => c.topic))];
          const partitions = await partitionLags(groups, t.group, topicNames, committed);
          const task = t.type === null ? undefined : findTask(config, t.type);
          const delayed = task === undefined ? undefined : await delayedBacklog(admins, t.group, task, heads);
          reports.push({
            group: t.group,
            type: t.type,
            partitions,
            total: partitions.reduce((sum, p) => sum + p.lag, 0),
            ...(delayed === undefined ? {} : { delayed }),
          });
        }
        if (opts.json) return printJson(reports);
        reports.forEach((r, i) => {
          if (i > 0) say();
          say(`group ${r.group}${r.type ? ` (task type ${r.type})` : ''}`);
          if (r.partitions.length === 0) return say('no committed offsets');
          printTable(
            ['TOPIC', 'PARTITION', 'END', 'COMMITTED', 'LAG'],
            r.partitions.map((p) => [p.topic, p.partition, p.end, p.committed ?? '-', p.lag]),
          );
          say(`total lag ${r.total}`);
          if (r.delayed !== undefined) {
            const next = r.delayed.nextDueAt === null ? '' : `; next due ${r.delayed.nextDueAt}`;
            say(`delayed: ${r.delayed.waiting} waiting for their time in delay tiers${next}`);
          }
        });
      });
    });
}
