import type { Registry } from 'prom-client';
import { ConfigError } from '../errors.js';
import type { Logger } from '../logging/logger.js';
import type { RegistryAccess } from '../codec/RegistryEndpoint.js';
import type { KafkaOptions } from '../kafka/kafkaFromEnv.js';
import type { ScheduleDefinition } from './defineSchedule.js';

/** Kafka's brokers, TLS and SASL (KafkaOptions) and the registry's address and login (RegistryAccess) as for a producer. */
export interface SchedulerOptions extends KafkaOptions, RegistryAccess {
  /** Schedules made with `defineSchedule`; names must be unique. */
  readonly schedules: readonly ScheduleDefinition[];
  /** Where the lease and the last fired ticks live (default REDIS_URL, else redis://127.0.0.1:6379). */
  readonly redisUrl?: string;
  readonly logger?: Logger;
  /**
   * Instances with one group share one lease, so exactly one of them fires; give each deployment (or each
   * set of schedules) a group of its own (default `default`). Letters, digits, '.', '_' and '-'.
   */
  readonly group?: string;
  /**
   * How long the lease lasts without renewal (default 15 s); it is renewed every third of that. A crashed
   * holder's successor takes over within about this long, and ticks meanwhile collapse into one.
   */
  readonly leaseMs?: number;
  /** Where to register the scheduler's metrics (default: a registry of its own, `scheduler.metrics`). */
  readonly metricsRegistry?: Registry;
}

export interface ResolvedSchedulerOptions {
  readonly schedules: readonly ScheduleDefinition[];
  readonly group: string;
  readonly leaseMs: number;
}

const GROUP = /^[A-Za-z0-9._-]{1,100}$/;

/** A group name fit for the Redis keys it names: 1 to 100 letters, digits, '.', '_' or '-'. */
export function isSchedulerGroup(group: string): boolean {
  return GROUP.test(group);
}

/** Checks the options once, when the scheduler is built, and fills in the defaults. */
export function resolveSchedulerOptions(options: SchedulerOptions): ResolvedSchedulerOptions {
  const { schedules } = options;
  if (!Array.isArray(schedules) || schedules.length === 0) {
    throw new ConfigError('Scheduler needs at least one schedule (made with defineSchedule) in `schedules`');
  }
  const names = new Set<string>();
  schedules.forEach((s: unknown, i) => {
    const d = s as Partial<ScheduleDefinition> | null;
    if (typeof d?.name !== 'string' || typeof d.timezone !== 'string' || typeof d.payload !== 'function') {
      throw new ConfigError(`schedules[${i}] is not a schedule definition (make it with defineSchedule)`);
    }
    if (names.has(d.name)) throw new ConfigError(`schedule "${d.name}" is declared twice; names must be unique`);
    names.add(d.name);
  });
  const group = options.group ?? 'default';
  if (!isSchedulerGroup(group)) {
    throw new ConfigError(`scheduler group ${JSON.stringify(group)} must be 1 to 100 letters, digits, '.', '_' or '-'`);
  }
  const leaseMs = options.leaseMs ?? 15_000;
  if (!Number.isInteger(leaseMs) || leaseMs < 300) {
    throw new ConfigError(`leaseMs must be a whole number of milliseconds, at least 300, got ${leaseMs}`);
  }
  return { schedules, group, leaseMs };
}
