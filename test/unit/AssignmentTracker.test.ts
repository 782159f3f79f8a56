import { describe, expect, it } from 'vitest';
import { AssignmentTracker } from '../../pipeline/kafka/AssignmentTracker.js';
import type { PartitionRef } from '../../pipeline/kafka/GroupConsumer.js';

function listener() {
  const calls: string[] = [];
  const tracker = new AssignmentTracker({
    onRebalancing: () => calls.push('rebalancing'),
    onAssigned: (a: readonly PartitionRef[]) => calls.push(`assigned ${a.map((p) => p.partition).join(',')}`),
  });
  return { calls, tracker };
}

const parts = (...ns: number[]): PartitionRef[] => ns.map((partition) => ({ topic: 't', partition }));

describe('AssignmentTracker', () => {
  it('hands the previous assignment back when kafkajs fetches again after a rebalance without rejoining', () => {
    const { calls, tracker } = listener();
    tracker.joined(parts(0, 1, 2));
    tracker.rebalancing();
    tracker.fetching();
    expect(calls).toEqual(['assigned 0,1,2', 'rebalancing', 'assigned 0,1,2']);
  });

  it('passes a rejoin on once, and later fetches change nothing', () => {
    const { calls, tracker } = listener();
    tracker.joined(parts(0, 1, 2));
    tracker.rebalancing();
    tracker.joined(parts(1));
    tracker.fetching();
    tracker.fetching();
    expect(calls).toEqual(['assigned 0,1,2', 'rebalancing', 'assigned 1']);
  });

  it('says nothing for fetches while no rebalance is pending', () => {
    const { calls, tracker } = listener();
    tracker.joined(parts(0));
    tracker.fetching();
    expect(calls).toEqual(['assigned 0']);
  });

  it('waits for a first assignment when the group rebalances before it ever joined', () => {
    const { calls, tracker } = listener();
    tracker.rebalancing();
    tracker.fetching();
    tracker.joined(parts(2));
    expect(calls).toEqual(['rebalancing', 'assigned 2']);
  });
});
