import type { GroupAdmin } from '../../../pipeline/kafka/GroupAdmin.js';
import type { TopicAdmin } from '../../../pipeline/kafka/TopicAdmin.js';
import { findTask, knownTypes, type LoadedConfig } from '../config/loadConfig.js';
import { note } from './output.js';
import { OperationFailed } from './services.js';
import { UsageError } from '../UsageError.js';

/** The worker's default group prefix (WorkerOptions.groupPrefix): its group for a type is `taskstream.<name>`. */
export const DEFAULT_GROUP_PREFIX = 'taskstream';

/** The config's worker group prefix (`worker.groupPrefix`), else the worker's default. */
export function groupPrefixOf(config: Pick<LoadedConfig, 'worker'>): string {
  return config.worker.groupPrefix ?? DEFAULT_GROUP_PREFIX;
}

/** The worker group of a task type under the config's prefix: `<groupPrefix>.<type>`. */
export function workerGroupOf(config: Pick<LoadedConfig, 'worker'>, type: string): string {
  return `${groupPrefixOf(config)}.${type}`;
}

export interface GroupTarget {
  readonly group: string;
  /** The task type, when the group was chosen by type. */
  readonly type: string | null;
  /** The topics to report; empty means "every topic the group consumes or committed on". */
  readonly topics: readonly string[];
}

/**
 * The task type of `lag [type]` and `workers [type]`, positional like every other command's. `--type` was the
 * old way: it still works for one release, with a warning on stderr.
 */
export function typeArgument(
  command: string,
  positional: string | undefined,
  flag: string | undefined,
): string | undefined {
  if (flag === undefined) return positional;
  if (positional !== undefined && positional !== flag) {
    throw new UsageError(
      `two task types, "${positional}" and --type ${flag}: give one, as \`taskstream ${command} <type>\``,
    );
  }
  note(
    `warning: --type is deprecated and goes in the next release; give the type first: taskstream ${command} ${flag}`,
  );
  return flag;
}

/** The deprecated `--type <type>` option, kept for one release (see typeArgument). */
export const DEPRECATED_TYPE_OPTION = ['--type <type>', 'deprecated: give the type as the first argument'] as const;

/**
 * Which consumer groups `lag` and `workers` look at: a type T → its worker group (or `--group`);
 * `--group G` alone → that group; neither → the default worker group of every configured task type that
 * exists. A group or topic named explicitly that does not exist is an error; with neither option, groups
 * that do not exist are skipped (and said so on stderr).
 */
export async function resolveTargets(
  config: LoadedConfig,
  opts: { type?: string; group?: string },
  groups: GroupAdmin,
  topics: TopicAdmin,
): Promise<GroupTarget[]> {
  const existingGroups = new Set((await groups.listGroups()).map((g) => g.groupId));
  if (opts.type !== undefined) {
    const task = findTask(config, opts.type);
    const group = opts.group ?? workerGroupOf(config, task.name);
    if (!(await topics.listTopics()).includes(task.topic)) {
      throw new OperationFailed(
        `topic "${task.topic}" of task type "${task.name}" does not exist; create it with \`taskstream topics create ${task.name}\``,
      );
    }
    if (!existingGroups.has(group)) {
      throw new OperationFailed(
        opts.group === undefined
          ? `consumer group "${group}" does not exist: no worker of task type "${task.name}" has joined it yet (pass --group for another group)`
          : `consumer group "${group}" does not exist`,
      );
    }
    return [{ group, type: task.name, topics: [task.topic] }];
  }
  if (opts.group !== undefined) {
    if (!existingGroups.has(opts.group)) throw new OperationFailed(`consumer group "${opts.group}" does not exist`);
    const task = config.tasks.find((t) => opts.group === workerGroupOf(config, t.name));
    return [{ group: opts.group, type: task?.name ?? null, topics: [] }];
  }
  const targets = config.tasks
    .map((t) => ({ group: workerGroupOf(config, t.name), type: t.name, topics: [t.topic] }))
    .filter((t) => existingGroups.has(t.group));
  if (targets.length === 0) {
    note(
      config.tasks.length === 0
        ? `no task types (${knownTypes(config)})`
        : `no worker group exists yet for: ${config.tasks.map((t) => workerGroupOf(config, t.name)).join(', ')}`,
    );
  }
  return targets;
}
