import fs from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { ConfigError } from '../../../pipeline/errors.js';
import type { TaskDefinition } from '../../../pipeline/task/defineTask.js';

/** The config files looked for in the working folder, in this order. */
export const CONFIG_FILES = ['taskstream.config.ts', 'taskstream.config.js'] as const;

export interface LoadedConfig {
  readonly tasks: readonly TaskDefinition[];
  /** The file the tasks came from, or 'shipped' when no config file was found. */
  readonly source: string;
}

/**
 * Finds the project's task types: `--config <path>`, else `taskstream.config.ts` or `.js` in `cwd`, else
 * the task types taskstream ships. The module is loaded with a dynamic import (bin.js registers tsx, so a
 * `.ts` file works as is) and must default-export `{ tasks: TaskDefinition[] }` (see `defineConfig`).
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
    return { tasks: shippedTasks, source: 'shipped' };
  }
  let mod: { default?: unknown };
  try {
    mod = (await import(pathToFileURL(file).href)) as { default?: unknown };
  } catch (err) {
    if (err instanceof ConfigError) throw new ConfigError(`config file ${file}: ${err.message}`);
    const first = (err instanceof Error ? err.message : String(err)).split('\n')[0] ?? '';
    const hint = /require\(\) (of )?ES Module/i.test(first)
      ? ' (it was loaded as CommonJS: add "type": "module" to the package.json beside it, or name it .mts/.mjs)'
      : '';
    throw new ConfigError(`config file ${file} failed to load: ${first}${hint}`);
  }
  return { tasks: checkTasks(mod.default, file), source: file };
}

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
