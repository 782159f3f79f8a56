import { Gauge, type Registry } from 'prom-client';
import { mapCounter } from './mapCounter.js';

/** A scheduler instance's ticks, per schedule, and whether it holds the lease (so fires), read when scraped. */
export class SchedulerMetrics {
  private readonly fired = new Map<string, number>();
  private readonly skipped = new Map<string, number>();

  constructor(registry: Registry, holdsLease: () => boolean, prefix = 'taskstream_') {
    mapCounter(
      registry,
      `${prefix}schedule_ticks_fired_total`,
      'Ticks this instance enqueued, per schedule.',
      'schedule',
      this.fired,
    );
    mapCounter(
      registry,
      `${prefix}schedule_ticks_skipped_total`,
      'Ticks this instance skipped because they were later than the schedule allows (maxLateMs), per schedule.',
      'schedule',
      this.skipped,
    );
    new Gauge({
      name: `${prefix}scheduler_lease_held`,
      help: "1 while this instance holds its group's lease (and so is the one that fires), else 0.",
      registers: [registry],
      collect() {
        this.set(holdsLease() ? 1 : 0);
      },
    });
  }

  tickFired(schedule: string): void {
    this.fired.set(schedule, (this.fired.get(schedule) ?? 0) + 1);
  }

  tickSkipped(schedule: string): void {
    this.skipped.set(schedule, (this.skipped.get(schedule) ?? 0) + 1);
  }
}
