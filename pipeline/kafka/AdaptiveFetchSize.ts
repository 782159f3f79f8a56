/**
 * The bytes fetched per partition, adapted to how much of each fetch the worker could keep.
 *
 * Large fetches are cheapest per record while handlers keep up (kafkajs's cost per fetch is high). A task
 * topic's worker keeps every record it fetches (in its fetch buffer when there is no room), so there the size
 * only grows, from the minimum towards the maximum. Starting small pays: in the runtime bench's drain,
 * starting at the maximum was 5-10% slower, as mebibyte responses cost more to decode and collect than the
 * fetches they save. A retry tier leaves records that are not yet due to Kafka; there the size shrinks to what
 * the last fetch could keep, so a waiting tier does not decode a mebibyte to keep a few records.
 *
 * kafkajs fixes maxBytesPerPartition when the consumer is made, but reads the field on every fetch and writes
 * it with Buffer.writeInt32BE, which converts its argument with valueOf: this object is handed over in the
 * number's place (kafkajs 2.2.x; GroupConsumer is the only user, and a test pins the behaviour).
 */
/** Slow enough that a worker at its bound spends few fetches overshooting it, fast enough to recover. */
const GROWTH = 1.25;

export class AdaptiveFetchSize {
  private bytes: number;

  constructor(
    readonly min: number,
    readonly max: number,
  ) {
    if (!(min > 0 && max >= min)) throw new RangeError(`fetch size needs 0 < min <= max, got ${min} and ${max}`);
    this.bytes = min;
  }

  valueOf(): number {
    return this.bytes;
  }

  /** One partition's fetch: `fetched` records came, the first `kept` of them (`keptBytes` in all) were kept. */
  observe(fetched: number, kept: number, keptBytes: number): void {
    // Nothing kept means the fetch came while the partition was full: it says nothing about the right size.
    if (kept === 0) return;
    if (kept < fetched) this.bytes = Math.min(this.max, Math.max(this.min, keptBytes));
    else if (this.bytes < this.max) this.bytes = Math.min(this.max, Math.ceil(this.bytes * GROWTH));
  }
}
