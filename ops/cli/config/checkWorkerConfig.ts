import { ConfigError } from '../../../pipeline/errors.js';
import type { HandlerBinding, TaskDefinition } from '../../../pipeline/index.js';
import type { WorkerConfig } from './defineConfig.js';

/** A config's `handlers`, checked: each made with `handle`, one per task type, each for a type `tasks` declares. */
export function checkHandlers(config: unknown, tasks: readonly TaskDefinition[], file: string): HandlerBinding[] {
  const handlers = (config as { handlers?: unknown }).handlers;
  if (handlers === undefined) return [];
  if (!Array.isArray(handlers)) {
    throw new ConfigError(`config file ${file}: handlers must be an array of handle(task, async (payload, ctx) => …)`);
  }
  const seen = new Set<string>();
  handlers.forEach((h: unknown, i) => {
    if (!isHandlerBinding(h)) {
      throw new ConfigError(
        `config file ${file}: handlers[${i}] is not a handler (make it with handle(task, async (payload, ctx) => …))`,
      );
    }
    const name = h.task.name;
    if (seen.has(name)) throw new ConfigError(`config file ${file}: task type "${name}" has two handlers`);
    seen.add(name);
    // A handler for a type the other commands do not know would consume a topic that lag, dlq and enqueue ignore.
    if (!tasks.some((t) => t.name === name)) {
      throw new ConfigError(
        `config file ${file}: handlers[${i}] handles task type "${name}", which tasks does not declare`,
      );
    }
  });
  return handlers as HandlerBinding[];
}

const WORKER_KEYS = ['groupPrefix', 'concurrency', 'shutdownDeadlineMs'] as const;

/** A config's `worker` options, checked; anything else is refused by name rather than silently ignored. */
export function checkWorkerOptions(config: unknown, file: string): WorkerConfig {
  const worker = (config as { worker?: unknown }).worker;
  if (worker === undefined) return {};
  if (typeof worker !== 'object' || worker === null || Array.isArray(worker)) {
    throw new ConfigError(`config file ${file}: worker must be an object such as { concurrency: 50 }`);
  }
  const w = worker as Record<string, unknown>;
  for (const key of Object.keys(w)) {
    if (!(WORKER_KEYS as readonly string[]).includes(key)) {
      throw new ConfigError(
        `config file ${file}: worker.${key} is not a worker option (known: ${WORKER_KEYS.join(', ')})`,
      );
    }
  }
  if (w.groupPrefix !== undefined && (typeof w.groupPrefix !== 'string' || !/^[A-Za-z0-9._-]+$/.test(w.groupPrefix))) {
    throw new ConfigError(
      `config file ${file}: worker.groupPrefix must be letters, digits, '.', '_' or '-', got ${JSON.stringify(w.groupPrefix)}`,
    );
  }
  for (const key of ['concurrency', 'shutdownDeadlineMs'] as const) {
    const v = w[key];
    if (v !== undefined && !(typeof v === 'number' && Number.isInteger(v) && v >= 1)) {
      throw new ConfigError(
        `config file ${file}: worker.${key} must be a whole number of at least 1, got ${JSON.stringify(v)}`,
      );
    }
  }
  return w as WorkerConfig;
}

function isHandlerBinding(h: unknown): h is HandlerBinding {
  if (typeof h !== 'object' || h === null) return false;
  const b = h as Partial<HandlerBinding>;
  return typeof b.handler === 'function' && typeof b.task === 'object' && typeof b.task?.name === 'string';
}
