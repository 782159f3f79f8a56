/**
 * The bytes fetched per partition, adapted to how much of each fetch the worker could keep.
 *
 * Large fetches are cheapest per record while handlers keep up (kafkajs's cost per fetch is high), but when
 * they do not, the part of a fetch beyond the worker's bound is dropped and fetched again later: with small
 * tasks and a 1 MiB fetch that was 20 times the work. So the size shrinks to what the last fetch could keep
 * and grows back towards the maximum while whole fetches are kept. It starts at the minimum: a worker usually
 * starts behind a backlog (a deploy, a restart), and a first fetch at the maximum decoded a mebibyte per
 * partition to keep a thousand records of it (in the runtime bench's drain, that was half of all it decoded).
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
