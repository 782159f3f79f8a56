import { headerText } from '../kafka/FetchedRecord.js';
import type { FetchedMessage } from '../kafka/records.js';
import { DLQ_HEADER } from '../retry/handOffHeaders.js';
import type { PartitionWork } from './PartitionWork.js';

/**
 * In a retry tier, records wait for their not-before time. The first one not yet due ends what may be taken;
 * its partition stays paused until then (no polling, nothing held) while other partitions keep flowing.
 */
export class NotBeforeGate {
  private readonly timers = new Set<NodeJS.Timeout>();

  /** @param onDue called when a partition's head has become due (the partition may resume). */
  constructor(private readonly onDue: (part: PartitionWork) => void) {}

  /** The index of the first record in records[from..] not yet due, or records.length; arms the wake-up. */
  dueEnd(part: PartitionWork, records: readonly FetchedMessage[], from: number): number {
    const now = Date.now();
    for (let i = from; i < records.length; i++) {
      const notBefore = Number(headerText(records[i] as FetchedMessage, DLQ_HEADER.notBefore) ?? 0);
      if (notBefore > now) {
        part.dueAt = notBefore;
        const timer = setTimeout(() => {
          this.timers.delete(timer);
          part.dueAt = undefined;
          this.onDue(part);
        }, notBefore - now);
        this.timers.add(timer);
        return i;
      }
    }
    return records.length;
  }

  clear(): void {
    for (const t of this.timers) clearTimeout(t);
    this.timers.clear();
  }
}
