import { Counter, type Registry } from 'prom-client';
import { failureCode } from '../errors.js';
import { mapCounter } from './mapCounter.js';

/**
 * What a producer sent, per task type, kept as plain numbers (the enqueue path runs at ~100,000 tasks a
 * second, and a prom-client `inc` hashes its labels on every call) and read into the registry when scraped.
 */
export class ProducerMetrics {
  private readonly enqueued = new Map<string, number>();
  private readonly failed = new Map<string, Map<string, number>>();

  constructor(registry: Registry, prefix = 'taskstream_') {
    const failed = this.failed;
    mapCounter(
      registry,
      `${prefix}tasks_enqueued_total`,
      'Tasks Kafka acknowledged to this process (stored by every in-sync replica), per task type.',
      'type',
      this.enqueued,
    );
    new Counter({
      name: `${prefix}enqueue_failures_total`,
      help: 'Tasks refused, or not acknowledged by Kafka, per task type and failureCode (RECORD_TOO_LARGE, SEND_FAILED, …).',
      labelNames: ['type', 'code'],
      registers: [registry],
      collect() {
        this.reset();
        for (const [type, codes] of failed) for (const [code, n] of codes) this.inc({ type, code }, n);
      },
    });
  }

  sent(type: string, count = 1): void {
    this.enqueued.set(type, (this.enqueued.get(type) ?? 0) + count);
  }

  refused(type: string, error: Error): void {
    let codes = this.failed.get(type);
    if (!codes) this.failed.set(type, (codes = new Map()));
    const code = failureCode(error);
    codes.set(code, (codes.get(code) ?? 0) + 1);
  }
}
