import type { GroupConsumer } from '../kafka/GroupConsumer.js';
import type { Logger } from '../logging/logger.js';
import type { PartitionWork } from './PartitionWork.js';

/**
 * How long a commit waits for the done marks before it gives up (committing nothing: the offsets go with a
 * later commit). Redis that answers nothing (paused, or a connection that hangs) would otherwise hold every
 * commit of the task type, and the last one at shutdown, for as long as it lasts.
 */
export const MARKS_WAIT_MS = 10_000;

/**
 * Commits the completed prefix of each partition still owned, one commit at a time. A failed commit (usually a
 * rebalance in progress) loses nothing: what is done stays done and goes with the next one.
 */
export class PartitionCommitter {
  private committing: Promise<void> | undefined;

  constructor(
    private readonly consumer: GroupConsumer,
    private readonly log: Logger,
    /** Settles once the done marks of every task completed so far are stored (undefined: nothing to wait for). */
    private readonly marksWritten: () => Promise<void> | undefined = () => undefined,
  ) {}

  /** Joins a commit in progress rather than racing it. */
  commit(parts: Iterable<PartitionWork>): Promise<void> {
    this.committing ??= this.commitOnce(parts).finally(() => {
      this.committing = undefined;
    });
    return this.committing;
  }

  /** Waits for a commit in progress, then commits what completed since. */
  async flush(parts: Iterable<PartitionWork>): Promise<void> {
    await this.committing;
    await this.commit(parts);
  }

  private async commitOnce(parts: Iterable<PartitionWork>): Promise<void> {
    let offsets = [];
    for (const part of parts) {
      const offset = part.revoked ? undefined : part.tracker.committable();
      if (offset !== undefined) offsets.push({ ...part.tp, offset, part });
    }
    if (offsets.length === 0) return;
    try {
      // Every task below these offsets completed before they were read, so its done mark was queued before this
      // line: once the marks are stored, a redelivery of any of them finds its mark.
      const marks = this.marksWritten();
      if (marks !== undefined) {
        if (!(await settlesWithin(marks, MARKS_WAIT_MS))) {
          this.log.warn(
            { waitedMs: MARKS_WAIT_MS },
            'done marks not stored in time (Redis not answering?); committing nothing until they are',
          );
          return;
        }
        // A partition revoked while the marks were written belongs to someone else now.
        offsets = offsets.filter((o) => !o.part.revoked);
      }
      await this.consumer.commit(offsets);
      for (const o of offsets) o.part.tracker.markCommitted(o.offset);
    } catch (err) {
      this.log.debug({ err }, 'commit failed; will retry');
    }
  }
}

/** Whether `promise` settles within `ms`; the timer does not outlive the wait. */
async function settlesWithin(promise: Promise<void>, ms: number): Promise<boolean> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<false>((resolve) => (timer = setTimeout(() => resolve(false), ms)));
  try {
    return await Promise.race([promise.then(() => true), late]);
  } finally {
    clearTimeout(timer);
  }
}
