import type { Command } from 'commander';
import type { TopicConfigEntry, TopicPartitionInfo, TopicSpec } from '../../../pipeline/kafka/TopicAdmin.js';
import type { TaskDefinition } from '../../../pipeline/task/defineTask.js';
import { taskTopics } from '../../../pipeline/task/taskTopics.js';
import { findTask, knownTypes, type LoadedConfig } from '../config/loadConfig.js';
import { positiveInt, printJson, printTable, say } from '../shared/output.js';
import { configOf, OperationFailed, withKafka } from '../shared/services.js';

/** Config entries a human usually asks about; `describe` shows these and whatever is not a default. */
const KEY_CONFIGS = new Set([
  'cleanup.policy',
  'retention.ms',
  'retention.bytes',
  'min.insync.replicas',
  'max.message.bytes',
  'compression.type',
]);

interface CreateOptions {
  partitions?: number;
  replicationFactor?: number;
  json?: boolean;
}

export function registerTopicsCommand(program: Command): void {
  const topics = program
    .command('topics')
    .description("a task type's Kafka topics: its own, its retry tiers and its dead-letter topic");

  topics
    .command('create')
    .description(
      "create a task type's topics (every known type without [type]); topics that exist are left as they are",
    )
    .argument('[type]', 'task type name (default: every task type of the config)')
    .option('--partitions <n>', "partitions of each new topic (default: the task type's, usually 6)", positiveInt)
    .option('--replication-factor <n>', "replication factor of each new topic (default: the task type's)", positiveInt)
    .option('--json', 'print JSON')
    .action(async (type: string | undefined, opts: CreateOptions, cmd: Command) => {
      const config = await configOf(cmd);
      const tasks = selectTasks(config, type);
      await withKafka(config, async ({ topics: admin }) => {
        const specs = tasks.flatMap((task) => taskTopics(task).map((spec) => ({ task, spec: override(spec, opts) })));
        const existing = new Set(await admin.listTopics());
        const created = new Set(await admin.ensureTopics(specs.map((s) => s.spec)));
        const rows = await Promise.all(
          specs.map(async ({ task, spec }) => {
            const was = existing.has(spec.topic) && !created.has(spec.topic);
            const partitions = was ? (await admin.partitions(spec.topic)).length : spec.partitions;
            return {
              type: task.name,
              topic: spec.topic,
              created: created.has(spec.topic),
              partitions,
              ...(was ? {} : { replicationFactor: spec.replicationFactor ?? (await admin.defaultReplicationFactor()) }),
            };
          }),
        );
        if (opts.json) return printJson(rows);
        printTable(
          ['TYPE', 'TOPIC', 'PARTITIONS', 'RESULT'],
          rows.map((r) => {
            const spec = specs.find((s) => s.spec.topic === r.topic)?.spec;
            const differs = !r.created && spec && spec.partitions !== r.partitions;
            const result = r.created
              ? 'created'
              : `exists, unchanged${differs ? ` (asked for ${spec.partitions} partitions)` : ''}`;
            return [r.type, r.topic, r.partitions, result];
          }),
        );
        say(
          created.size === 0
            ? 'nothing to do: every topic exists'
            : `created ${created.size} topic${created.size === 1 ? '' : 's'}`,
        );
      });
    });

  topics
    .command('list')
    .description('the known task types with their topics and whether each exists')
    .argument('[type]', 'only this task type')
    .option('--json', 'print JSON')
    .action(async (type: string | undefined, opts: { json?: boolean }, cmd: Command) => {
      const config = await configOf(cmd);
      const tasks = selectTasks(config, type);
      await withKafka(config, async ({ topics: admin }) => {
        const existing = new Set(await admin.listTopics());
        const rows = await Promise.all(
          tasks.flatMap((task) =>
            taskTopics(task).map(async (spec) => {
              const exists = existing.has(spec.topic);
              const partitions = exists ? (await admin.partitions(spec.topic)).length : null;
              return { type: task.name, topic: spec.topic, exists, partitions };
            }),
          ),
        );
        if (opts.json) return printJson(rows);
        if (rows.length === 0) return say(`no task types (${knownTypes(config)})`);
        printTable(
          ['TYPE', 'TOPIC', 'EXISTS', 'PARTITIONS'],
          rows.map((r) => [r.type, r.topic, r.exists ? 'yes' : 'no', r.partitions ?? '-']),
        );
      });
    });

  topics
    .command('describe')
    .description("partitions (leader, replicas, in-sync replicas) and config of a task type's topics, or of one topic")
    .argument('<type>', 'task type name, or a topic name')
    .option('--all-config', 'list every config entry, not only the usual ones and those not at their default')
    .option('--json', 'print JSON (always with every config entry)')
    .action(async (name: string, opts: { json?: boolean; allConfig?: boolean }, cmd: Command) => {
      const config = await configOf(cmd);
      const task = config.tasks.find((t) => t.name === name);
      await withKafka(config, async ({ topics: admin }) => {
        const existing = new Set(await admin.listTopics());
        let names: string[];
        if (task) {
          names = taskTopics(task).map((s) => s.topic);
          if (!existing.has(task.topic)) {
            throw new OperationFailed(
              `topic "${task.topic}" of task type "${task.name}" does not exist; create it with \`taskstream topics create ${task.name}\``,
            );
          }
        } else if (existing.has(name)) {
          names = [name];
        } else {
          throw new OperationFailed(`"${name}" is neither a task type nor an existing topic (${knownTypes(config)})`);
        }
        const described = await Promise.all(
          names.map(async (topic) => {
            if (!existing.has(topic)) return { topic, exists: false, partitions: [], config: [] };
            const [partitions, entries] = await Promise.all([admin.partitions(topic), admin.describeConfigs(topic)]);
            return { topic, exists: true, partitions, config: entries };
          }),
        );
        if (opts.json) return printJson({ type: task?.name ?? null, topics: described });
        described.forEach((d, i) => {
          if (i > 0) say();
          printTopic(d, opts.allConfig === true);
        });
      });
    });
}

function selectTasks(config: LoadedConfig, type: string | undefined): readonly TaskDefinition[] {
  return type === undefined ? config.tasks : [findTask(config, type)];
}

function override(spec: TopicSpec, opts: CreateOptions): TopicSpec {
  return {
    ...spec,
    partitions: opts.partitions ?? spec.partitions,
    replicationFactor: opts.replicationFactor ?? spec.replicationFactor,
  };
}

function printTopic(
  d: { topic: string; exists: boolean; partitions: readonly TopicPartitionInfo[]; config: readonly TopicConfigEntry[] },
  allConfig: boolean,
): void {
  if (!d.exists) {
    say(`topic ${d.topic}: does not exist`);
    return;
  }
  say(`topic ${d.topic}: ${d.partitions.length} partition${d.partitions.length === 1 ? '' : 's'}`);
  printTable(
    ['PARTITION', 'LEADER', 'REPLICAS', 'ISR', ''],
    d.partitions.map((p) => [
      p.partition,
      p.leader,
      p.replicas.join(','),
      p.isr.join(','),
      p.isr.length < p.replicas.length ? 'under-replicated' : '',
    ]),
  );
  const shown = d.config.filter((c) => allConfig || KEY_CONFIGS.has(c.name) || !c.isDefault);
  say();
  printTable(
    ['CONFIG', 'VALUE', 'SOURCE'],
    shown.map((c) => [c.name, c.value ?? '(sensitive)', c.source]),
  );
}
