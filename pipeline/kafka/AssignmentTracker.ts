import type { GroupListener, PartitionRef } from './GroupConsumer.js';

/**
 * Turns kafkajs's group events into the listener's rebalancing/assigned calls, so that every `onRebalancing` is
 * followed by an `onAssigned`.
 *
 * kafkajs emits REBALANCING and then rejoins, but a rejoin can fail (the coordinator was moving: a broker
 * restarting) and kafkajs then goes back to fetching with the assignment it had, without a GROUP_JOIN. A
 * listener waiting for the new assignment would wait for ever (seen: a worker holding 3,000 tasks and running
 * none for five minutes through a rolling restart). A fetch starting while no join came means the old
 * assignment stands: it is handed to the listener again.
 */
export class AssignmentTracker {
  private current: readonly PartitionRef[] | undefined;
  private awaitingJoin = false;

  constructor(
    private readonly listener: Pick<GroupListener, 'onRebalancing' | 'onAssigned'>,
    /** Told when a failed rejoin left the old assignment standing. */
    private readonly onOldAssignmentStands: (assignment: readonly PartitionRef[]) => void = () => undefined,
  ) {}

  rebalancing(): void {
    this.awaitingJoin = true;
    this.listener.onRebalancing();
  }

  joined(assignment: readonly PartitionRef[]): void {
    this.awaitingJoin = false;
    this.current = assignment;
    this.listener.onAssigned(assignment);
  }

  /** kafkajs starts a fetch: called for every fetch, so it must cost nothing when no rebalance is pending. */
  fetching(): void {
    if (!this.awaitingJoin || this.current === undefined) return;
    this.awaitingJoin = false;
    this.onOldAssignmentStands(this.current);
    this.listener.onAssigned(this.current);
  }
}
