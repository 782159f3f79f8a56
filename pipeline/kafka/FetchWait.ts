/**
 * kafkajs's maxWaitTime, shortened while partitions are paused for lack of room.
 *
 * kafkajs uses one value twice: as the broker's long-poll wait, and as a sleep when every partition of the
 * consumer is paused, after which it looks again. Under backpressure the second use is a gap: a partition
 * resumed a moment after the sleep began gets nothing until it ends (a quarter of an async drain was idle
 * time). While something is paused there is a backlog, so a short wait costs no empty polls; idle consumers
 * keep the long one. kafkajs reads the field at each use and converts it with valueOf (setTimeout, and
 * writeInt32BE in the fetch request), like AdaptiveFetchSize.
 */
export class FetchWait {
  constructor(
    private readonly idleMs: number,
    private readonly pausedMs: number,
    private readonly anyPaused: () => boolean,
  ) {}

  valueOf(): number {
    return this.anyPaused() ? this.pausedMs : this.idleMs;
  }
}
