import type { IncomingRecord } from '../kafka/records.js';
import { runAtOf } from '../delay/DelayLadder.js';
import { defaultTaskId, HEADER } from '../task/headers.js';
import { orderLane } from './orderLane.js';
import type { PartitionWork } from './PartitionWork.js';

/** One record taken for processing. Its id and key string are worked out only when someone asks. */
export class Job {
  payload: unknown = undefined;
  lastHeartbeatAt: number | undefined;
  /** Whether this job's key is marked running in the partition's queue (and must be released when it ends). */
  keyHeld = false;
  private keyText: string | null | undefined;
  private laneNo: number | null | undefined;
  private id: string | undefined;
  private attemptNo: number | undefined;
  private postponedNo: number | undefined;
  private runAtMs: number | null | undefined;

  constructor(
    readonly record: IncomingRecord,
    readonly part: PartitionWork,
    /** The offset tracker's ticket for this record. */
    readonly ticket: number,
  ) {}

  /** 1 on the first run; a retry copy carries its number in the `ts-attempt` header (read only when asked). */
  get attempt(): number {
    if (this.attemptNo === undefined) {
      const a = this.record.headers[HEADER.attempt];
      this.attemptNo = a === undefined ? 1 : Number(a) || 1;
    }
    return this.attemptNo;
  }

  set attempt(n: number) {
    this.attemptNo = n;
  }

  /** Times it was held back without running (a busy lock, say); a rescheduled copy carries it in `ts-postponed`. */
  get postponed(): number {
    this.postponedNo ??= Number(this.record.headers[HEADER.postponed] ?? 0) || 0;
    return this.postponedNo;
  }

  set postponed(n: number) {
    this.postponedNo = n;
  }

  /** A delayed task's time (the `ts-run-at` header); undefined for a task that runs when it comes. */
  get runAt(): number | undefined {
    if (this.runAtMs === undefined) this.runAtMs = runAtOf(this.record.headers) ?? null;
    return this.runAtMs ?? undefined;
  }

  get key(): string | null {
    if (this.keyText === undefined) this.keyText = this.record.key === null ? null : this.record.key.toString();
    return this.keyText;
  }

  /** The key's lane in key order (see orderLane), or null for a record without a key. */
  get lane(): number | null {
    if (this.laneNo === undefined) this.laneNo = this.record.key === null ? null : orderLane(this.record.key);
    return this.laneNo;
  }

  /** Stable across retries and redeliveries: the `ts-id` header, else `<topic>-<partition>-<offset>`. */
  get taskId(): string {
    this.id ??= this.ownId ?? defaultTaskId(this.record.topic, this.record.partition, this.record.offset);
    return this.id;
  }

  /** The `ts-id` header, an id of its own that copies of the task share; undefined: its id is its position. */
  get ownId(): string | undefined {
    return this.record.headers[HEADER.id];
  }
}

/**
 * - completed: the handler succeeded.
 * - retry: run it again here after `delayMs` (ordered retries, or a cause like the registry being down).
 * - retry-handed-off: a copy waits in a retry tier; for this offset the task is done.
 * - dead-lettered: a copy is in the dead-letter topic; for this offset the task is done.
 * - wait: a delayed task whose time is less than the shortest delay tier away; it runs here at its time, its key
 *   not held meanwhile (delayed tasks keep no key order).
 * - delay-hopped: a delayed task's copy waits in the delay tier that fits what is left of its wait.
 * - cancelled: `cancel` named it before it started; it never runs.
 */
export type JobResult =
  | { readonly kind: 'completed'; readonly deduplicated?: true }
  | { readonly kind: 'wait'; readonly delayMs: number }
  | { readonly kind: 'delay-hopped'; readonly topic: string }
  | { readonly kind: 'cancelled' }
  | { readonly kind: 'retry'; readonly error: Error; readonly delayMs: number; readonly consumesAttempt: boolean }
  | { readonly kind: 'retry-handed-off'; readonly error: Error; readonly delayMs: number; readonly topic: string }
  | { readonly kind: 'dead-lettered'; readonly error: Error };
