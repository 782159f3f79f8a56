import type { TaskProducer } from '../../pipeline/index.js';
import type { DemoTasks } from './demoTasks.js';
import { demoTaskAt, type DemoTask, type DemoTaskType, type Fate, type MixSources } from './demoMix.js';

const TICK_MS = 200;

/**
 * Enqueues the demo's stream at `rate` tasks a second until stopped or `durationMs` has passed, counting what
 * Kafka acknowledged per type and what fate each was meant for.
 */
export class DemoFeed {
  readonly enqueued = new Map<DemoTaskType, number>();
  readonly fates = new Map<Fate, number>();
  private sent = 0;
  private stopped = false;
  private wake: (() => void) | undefined;

  constructor(
    private readonly producer: TaskProducer,
    private readonly tasks: DemoTasks,
    private readonly sources: MixSources,
  ) {}

  /** Resolves when the duration is over or `stop()` was called, with every send acknowledged. */
  async run(rate: number, durationMs: number): Promise<void> {
    const started = Date.now();
    while (!this.stopped) {
      const elapsed = Math.min(Date.now() - started, durationMs);
      const due = Math.floor((elapsed / 1000) * rate) - this.sent;
      const batch: DemoTask[] = [];
      for (let k = 0; k < due; k++) batch.push(demoTaskAt(this.sent + k, this.sources, started));
      this.sent += batch.length;
      await Promise.all(batch.map((t) => this.send(t)));
      if (elapsed >= durationMs) break;
      await new Promise<void>((resolve) => {
        this.wake = resolve;
        setTimeout(resolve, TICK_MS);
      });
    }
  }

  stop(): void {
    this.stopped = true;
    this.wake?.();
  }

  private async send(task: DemoTask): Promise<void> {
    if (task.type === 'send-email') await this.producer.enqueue(this.tasks.sendEmail, task.payload);
    else if (task.type === 'generate-report') await this.producer.enqueue(this.tasks.generateReport, task.payload);
    else await this.producer.enqueue(this.tasks.resizeImage, task.payload);
    this.enqueued.set(task.type, (this.enqueued.get(task.type) ?? 0) + 1);
    this.fates.set(task.fate, (this.fates.get(task.fate) ?? 0) + 1);
  }
}
