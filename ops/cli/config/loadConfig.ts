import fs from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { ConfigError } from '../../../pipeline/errors.js';
import type { ScheduleDefinition } from '../../../pipeline/schedule/defineSchedule.js';
import type { TaskDefinition } from '../../../pipeline/task/defineTask.js';
import type { HandlerBinding } from '../../../pipeline/runtime/TaskContext.js';
import { checkHandlers, checkWorkerOptions } from './checkWorkerConfig.js';
import { checkKafkaSection, checkRegistrySection } from './checkConnections.js';
import type { RegistryOptions } from '../../../pipeline/codec/RegistryEndpoint.js';
import type { KafkaOptions } from '../../../pipeline/kafka/kafkaFromEnv.js';
import type { WorkerConfig } from './defineConfig.js';

/** The config files looked for in the working folder, in this order. */
export const CONFIG_FILES = ['taskstream.config.ts', 'taskstream.config.js'] as const;

export interface LoadedConfig {
  readonly tasks: readonly TaskDefinition[];
  /** The config's `schedules` (none when it exports none, or when no config file was found). */
  readonly schedules: readonly ScheduleDefinition[];
  /** The config's `handlers`, for `taskstream worker` (none when it exports none, or without a config file). */
  readonly handlers: readonly HandlerBinding[];
  /** The config's `worker` options ({} when it sets none). */
  readonly worker: WorkerConfig;
  /** The config's `kafka` section ({} when none: the environment's settings apply). */
  readonly kafka: KafkaOptions;
  /** The config's `registry` section ({} when none). */
  readonly registry: RegistryOptions;
  /** The file the tasks came from, or 'shipped' when no config file was found. */
  readonly source: string;
}

/**
 * Finds the project's task types: `--config <path>`, else `taskstream.config.ts` or `.js` in `cwd`, else
 * the task types taskstream ships. The module is loaded with a dynamic import (bin.js registers tsx, so a
 * `.ts` file works as is) and must default-export `{ tasks, schedules?, handlers?, worker?, kafka?, registry? }` (see `defineConfig`).
 */
export async function loadConfig(explicitPath: string | undefined, cwd = process.cwd()): Promise<LoadedConfig> {
  let file: string | undefined;
  if (explicitPath !== undefined) {
    file = path.resolve(cwd, explicitPath);
    if (!fs.existsSync(file)) throw new ConfigError(`config file ${file} does not exist (from --config)`);
  } else {
    file = CONFIG_FILES.map((name) => path.join(cwd, name)).find((f) => fs.existsSync(f));
  }
  if (file === undefined) {
    const { shippedTasks } = await import('../../../schemas/tasks.js');
    return { tasks: shippedTasks, schedules: [], handlers: [], worker: {}, kafka: {}, registry: {}, source: 'shipped' };
  }
  let mod: { default?: unknown };
  try {
    await ensureTypeScriptLoader(file);
    mod = (await import(pathToFileURL(file).href)) as { default?: unknown };
  } catch (err) {
    if (err instanceof ConfigError) throw new ConfigError(`config file ${file}: ${err.message}`);
    const first = (err instanceof Error ? err.message : String(err)).split('\n')[0] ?? '';
    const hint = /require\(\) (of )?ES Module/i.test(first)
      ? ' (it was loaded as CommonJS: add "type": "module" to the package.json beside it, or name it .mts/.mjs)'
      : '';
    throw new ConfigError(`config file ${file} failed to load: ${first}${hint}`);
  }
  const tasks = checkTasks(mod.default, file);
  return {
    tasks,
    schedules: checkSchedules(mod.default, tasks, file),
    handlers: checkHandlers(mod.default, tasks, file),
    worker: checkWorkerOptions(mod.default, file),
    kafka: checkKafkaSection(mod.default, file),
    registry: checkRegistrySection(mod.default, file),
    source: file,
  };
}

/**
 * The built CLI is JavaScript: a `.ts` config needs tsx's loader, registered for the process (not scoped to the
 * file) so that the config's `import … from 'taskstream'` is the very module the CLI runs, and its error classes
 * are the ones the worker recognises. From the sources (a checkout) the loader is already there.
 */
async function ensureTypeScriptLoader(file: string): Promise<void> {
  if (!/\.[cm]?ts$/.test(file) || import.meta.url.endsWith('.ts') || typeScriptLoaderRegistered) return;
  const { register } = await import('tsx/esm/api');
  register();
  typeScriptLoaderRegistered = true;
}
let typeScriptLoaderRegistered = false;

function checkTasks(config: unknown, file: string): TaskDefinition[] {
  const tasks = (config as { tasks?: unknown } | null | undefined)?.tasks;
  if (!Array.isArray(tasks)) {
    throw new ConfigError(
      `config file ${file} must default-export { tasks: [...] } (use defineConfig from ops/cli/config/defineConfig)`,
    );
  }
  const seen = new Set<string>();
  tasks.forEach((t: unknown, i) => {
    if (!isTaskDefinition(t)) {
      throw new ConfigError(`config file ${file}: tasks[${i}] is not a task definition (make it with defineTask)`);
    }
    if (seen.has(t.name)) throw new ConfigError(`config file ${file}: task type "${t.name}" is declared twice`);
    seen.add(t.name);
  });
  return tasks as TaskDefinition[];
}

function checkSchedules(config: unknown, tasks: readonly TaskDefinition[], file: string): ScheduleDefinition[] {
  const schedules = (config as { schedules?: unknown }).schedules;
  if (schedules === undefined) return [];
  if (!Array.isArray(schedules)) {
    throw new ConfigError(`config file ${file}: schedules must be an array of schedules made with defineSchedule`);
  }
  const seen = new Set<string>();
  schedules.forEach((s: unknown, i) => {
    if (!isScheduleDefinition(s)) {
      throw new ConfigError(`config file ${file}: schedules[${i}] is not a schedule (make it with defineSchedule)`);
    }
    if (seen.has(s.name)) throw new ConfigError(`config file ${file}: schedule "${s.name}" is declared twice`);
    seen.add(s.name);
    // A schedule whose task type is not in `tasks` would enqueue work no `taskstream` command knows of.
    if (!tasks.some((t) => t.name === s.task.name)) {
      throw new ConfigError(
        `config file ${file}: schedule "${s.name}" enqueues task type "${s.task.name}", which tasks does not declare`,
      );
    }
  });
  return schedules as ScheduleDefinition[];
}

function isScheduleDefinition(s: unknown): s is ScheduleDefinition {
  if (typeof s !== 'object' || s === null) return false;
  const d = s as Partial<ScheduleDefinition>;
  return typeof d.name === 'string' && typeof d.cron === 'string' && typeof d.payload === 'function' && !!d.task;
}

function isTaskDefinition(t: unknown): t is TaskDefinition {
  if (typeof t !== 'object' || t === null) return false;
  const d = t as Partial<TaskDefinition>;
  return typeof d.name === 'string' && typeof d.topic === 'string' && typeof d.avroType === 'object';
}

/** The task type of that name, or a one-line error listing the known ones. */
export function findTask(config: LoadedConfig, name: string): TaskDefinition {
  const task = config.tasks.find((t) => t.name === name);
  if (task) return task;
  throw new ConfigError(`unknown task type "${name}" (${knownTypes(config)})`);
}

export function knownTypes(config: LoadedConfig): string {
  const names = config.tasks.map((t) => t.name);
  const from = config.source === 'shipped' ? 'the shipped task types' : displayPath(config.source);
  return names.length === 0 ? `${from} declares no task types` : `known in ${from}: ${names.join(', ')}`;
}

function displayPath(file: string): string {
  const rel = path.relative(process.cwd(), file);
  return rel.startsWith('..') || path.isAbsolute(rel) ? file : rel;
}
