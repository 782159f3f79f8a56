import type { OffsetRange } from '../../../pipeline/kafka/RangeReader.js';
import type { IncomingRecord } from '../../../pipeline/kafka/records.js';

/**
 * What `dlq purge` removes from one partition. Kafka's DeleteRecords can only cut a prefix of a partition, so
 * the purge stops at the first dead letter that the filters do not choose: letters after it stay, even those
 * that match (`keptMatching`), until that one goes too.
 */
export interface PartitionPurge {
  readonly partition: number;
  /** The partition's first offset now (its log start). */
  readonly from: bigint;
  /** Records before this offset go; equal to `from` when none can. */
  readonly to: bigint;
  readonly purged: number;
  readonly kept: number;
  /** Kept letters that match the filters but sit behind `stoppedAt`. */
  readonly keptMatching: number;
  /** The first letter that does not match, where the purge of this partition stops (undefined: none). */
  readonly stoppedAt: string | undefined;
}

/**
 * Per partition of the DLQ, the longest prefix of `letters` (read from `bounds`) whose letters all satisfy
 * `purgeable`. The cut is right after the last letter seen, never the partition's end offset, so a letter that
 * arrived after the read is never removed unseen.
 */
export function purgePlan(
  bounds: readonly OffsetRange[],
  letters: readonly IncomingRecord[],
  purgeable: (letter: IncomingRecord) => boolean,
): PartitionPurge[] {
  return bounds.map(({ partition, from }) => {
    const own = letters
      .filter((l) => l.partition === partition)
      .sort((a, b) => (BigInt(a.offset) < BigInt(b.offset) ? -1 : 1));
    const stop = own.findIndex((l) => !purgeable(l));
    const purged = stop === -1 ? own.length : stop;
    const last = own[purged - 1];
    const rest = own.slice(purged);
    return {
      partition,
      from,
      to: last === undefined ? from : BigInt(last.offset) + 1n,
      purged,
      kept: rest.length,
      keptMatching: rest.filter(purgeable).length,
      stoppedAt: rest[0]?.offset,
    };
  });
}
