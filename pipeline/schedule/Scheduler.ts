import { randomUUID } from 'node:crypto';
import os from 'node:os';
import { setTimeout as sleep } from 'node:timers/promises';
import type { Redis } from 'ioredis';
import { Registry } from 'prom-client';
import { isRetriable } from '../errors.js';
import { rootLogger, type Logger } from '../logging/logger.js';
import { SchedulerMetrics } from '../metrics/SchedulerMetrics.js';
import { TaskProducer } from '../producer/TaskProducer.js';
import { createRedis, redisUrlFromEnv } from '../redis/redisConnection.js';
import { nextTick } from './cronTicks.js';
import { tickInput, tickTaskId, type ScheduleDefinition } from './defineSchedule.js';
import { dueTick } from './dueTick.js';
import { RedisOutage } from './RedisOutage.js';
import { SchedulerLease } from './SchedulerLease.js';
import { resolveSchedulerOptions, type SchedulerOptions } from './SchedulerOptions.js';
import { TickLedger } from './TickLedger.js';

/** After a failed fire (Redis or Kafka away), look again this soon rather than at the next tick. */
const RETRY_MS = 1000;
/** Wake at least this often, so a wall-clock jump never leaves the loop asleep for long. */
const MAX_SLEEP_MS = 30_000;

interface Running {
  readonly redis: Redis;
  readonly lease: SchedulerLease;
  readonly ledger: TickLedger;
  readonly loops: Promise<void>[];
}

/**
 * Enqueues each schedule's task at each cron tick. Run one or more instances per group: the one holding the
 * scheduler lease fires, the others stand by and take over within a lease after the holder stops. See
 * pipeline/schedule/README.md for the lease, the missed-tick policy and what happens on a crash.
 */
export class Scheduler {
  /** Host, pid and a random suffix: the lease's value, so operators can see which instance fires. */
  readonly instanceId = `${os.hostname()}:${process.pid}:${randomUUID().slice(0, 8)}`;
  private readonly schedules: readonly ScheduleDefinition[];
  private readonly group: string;
  private readonly leaseMs: number;
  private readonly redisUrl: string;
  private readonly log: Logger;
  private readonly producer: TaskProducer;
  /**
   * Prometheus metrics: ticks fired and skipped per schedule, whether this instance holds the lease, and its
   * producer's enqueued and failed counts (the `metricsRegistry` option, else a registry of its own).
   */
  readonly metrics: Registry;
  private readonly counts: SchedulerMetrics;
  private readonly stop = new AbortController();
  private since = new Date();
  private running: Running | undefined;
  private firing: Promise<void> = Promise.resolve();
  private retryTimer: NodeJS.Timeout | undefined;
  private readonly outage: RedisOutage;
  private starting: Promise<void> | undefined;
  private closing: Promise<void> | undefined;

  constructor(options: SchedulerOptions) {
    const resolved = resolveSchedulerOptions(options);
    this.schedules = resolved.schedules;
    this.group = resolved.group;
    this.leaseMs = resolved.leaseMs;
    this.redisUrl = options.redisUrl ?? redisUrlFromEnv();
    this.log = (options.logger ?? rootLogger()).child({
      component: 'scheduler',
      group: this.group,
      instance: this.instanceId,
    });
    this.outage = new RedisOutage(this.redisUrl, this.log);
    const { brokers, ssl, sasl, registryUrl, registryAuth, registryCa } = options;
    this.metrics = options.metricsRegistry ?? new Registry();
    this.counts = new SchedulerMetrics(this.metrics, () => this.running?.lease.isHeld() ?? false);
    this.producer = new TaskProducer({
      brokers,
      ssl,
      sasl,
      registryUrl,
      registryAuth,
      registryCa,
      logger: this.log,
      metricsRegistry: this.metrics,
    });
  }

  /**
   * Registers the schedules' task types (failing fast when Kafka or the registry is away), then competes for
   * the lease. Redis being away does not fail the start: the instance keeps trying and fires nothing meanwhile.
   */
  start(): Promise<void> {
    this.starting ??= (async () => {
      for (const task of new Set(this.schedules.map((s) => s.task))) await this.producer.prepare(task);
      if (this.stop.signal.aborted) return;
      this.since = new Date();
      const redis = createRedis(this.redisUrl, this.log);
      const running: Running = {
        redis,
        lease: new SchedulerLease(redis, this.group, this.instanceId, this.leaseMs),
        ledger: new TickLedger(redis, this.group),
        loops: [],
      };
      this.running = running;
      running.loops.push(this.leaseLoop(running), this.tickLoop());
      this.log.info({ schedules: this.schedules.map((s) => s.name) }, 'scheduler started');
    })();
    return this.starting;
  }

  /** Stops firing, releases the lease so another instance takes over at once, and disconnects. Idempotent. */
  close(): Promise<void> {
    this.closing ??= (async () => {
      this.stop.abort();
      clearTimeout(this.retryTimer);
      await this.starting?.catch(() => undefined);
      const running = this.running;
      if (running) {
        await Promise.allSettled(running.loops);
        await this.firing;
        await running.lease.release().catch((err: unknown) => this.log.warn({ err }, 'could not release the lease'));
        await running.redis.quit().catch(() => running.redis.disconnect());
      }
      await this.producer.close();
      this.log.info('scheduler closed');
    })();
    return this.closing;
  }

  private async leaseLoop({ lease }: Running): Promise<void> {
    while (!this.stop.signal.aborted) {
      const had = lease.isHeld();
      try {
        const held = await lease.hold();
        this.outage.answered();
        if (held && !had) {
          this.log.info({ leaseMs: this.leaseMs }, 'took the scheduler lease; firing');
          this.fireSoon();
        } else if (!held && had) {
          this.log.warn('lost the scheduler lease to another instance; not firing');
        }
      } catch (err) {
        if (had) this.log.warn('could not renew the scheduler lease; not firing until Redis answers');
        this.outage.failed(err);
      }
      await sleep(this.leaseMs / 3, undefined, { signal: this.stop.signal }).catch(() => undefined);
    }
  }

  private async tickLoop(): Promise<void> {
    while (!this.stop.signal.aborted) {
      const now = Date.now();
      const next = Math.min(...this.schedules.map((s) => nextTick(s, new Date(now))?.getTime() ?? now + MAX_SLEEP_MS));
      // One millisecond late rather than early: a timer that wakes a hair before the tick would miss it.
      await sleep(Math.min(next - now + 1, MAX_SLEEP_MS), undefined, { signal: this.stop.signal }).catch(
        () => undefined,
      );
      this.fireSoon();
      await this.firing;
    }
  }

  /** Serialises fires: the tick loop, a new lease and a retry may all ask at once. */
  private fireSoon(): void {
    this.firing = this.firing.then(() => this.fireDue());
  }

  private async fireDue(): Promise<void> {
    const running = this.running;
    if (!running || this.stop.signal.aborted || !running.lease.isHeld()) return;
    const now = new Date();
    let retry = false;
    for (const schedule of this.schedules) {
      if (this.stop.signal.aborted || !running.lease.isHeld()) return;
      try {
        await this.fire(running, schedule, now);
      } catch (err) {
        retry ||= isRetriable(err);
        this.log.error({ err, schedule: schedule.name }, 'schedule did not fire; retrying');
      }
    }
    if (retry && !this.stop.signal.aborted) {
      clearTimeout(this.retryTimer);
      this.retryTimer = setTimeout(() => this.fireSoon(), RETRY_MS);
    }
  }

  private async fire({ lease, ledger }: Running, schedule: ScheduleDefinition, now: Date): Promise<void> {
    const due = dueTick(schedule, now, await this.outage.call(() => ledger.read(schedule.name)), this.since);
    if (!due) return;
    const { tick, resend } = due;
    const claim = await this.outage.call(() => ledger.claim(lease.token, schedule, tick));
    if (claim === 'not-holder') {
      lease.drop();
      this.log.warn('another instance holds the scheduler lease; not firing');
      return;
    }
    if (claim === 'stale') return;
    if (due.tooLate) {
      // Claimed, so that no instance weighs it again; not confirmed, as nothing was sent.
      this.log.warn(
        {
          schedule: schedule.name,
          tick: tick.toISOString(),
          lateMs: now.getTime() - tick.getTime(),
          maxLateMs: schedule.maxLateMs,
        },
        'schedule skipped a tick later than its maxLateMs',
      );
      this.counts.tickSkipped(schedule.name);
      return;
    }
    const taskId = tickTaskId(schedule, tick);
    const { payload, key } = tickInput(schedule, tick);
    const sent = await this.producer.enqueue(schedule.task, payload, { id: taskId, key });
    this.counts.tickFired(schedule.name);
    this.log.info(
      {
        schedule: schedule.name,
        task: schedule.task.name,
        tick: tick.toISOString(),
        taskId,
        partition: sent.partition,
        offset: sent.offset,
        resend,
      },
      'schedule fired',
    );
    // Lost only if Redis fails right now; the tick is then sent again with the same id, which dedupe drops.
    await this.outage.call(() => ledger.confirm(schedule.name, tick));
  }
}
