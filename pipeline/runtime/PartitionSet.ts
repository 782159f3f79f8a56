import type { PartitionRef } from '../kafka/GroupConsumer.js';
import type { Attempt } from './Attempt.js';
import { PartitionWork } from './PartitionWork.js';

/** The partitions a runner owns now, by topic-partition, and as an array for loops on the hot path. */
export class PartitionSet {
  private readonly byKey = new Map<string, PartitionWork>();
  /** Rebuilt only when the assignment changes. */
  list: readonly PartitionWork[] = [];

  get(tp: PartitionRef): PartitionWork | undefined {
    return this.byKey.get(keyOf(tp));
  }

  add(tp: PartitionRef): PartitionWork {
    const part = new PartitionWork(tp);
    this.byKey.set(keyOf(tp), part);
    this.list = [...this.byKey.values()];
    return part;
  }

  remove(part: PartitionWork): void {
    this.byKey.delete(keyOf(part.tp));
    this.list = [...this.byKey.values()];
  }

  /** Splits a new generation's assignment into partitions kept, partitions lost and partitions new to us. */
  diff(assignment: readonly PartitionRef[]): {
    kept: PartitionWork[];
    lost: PartitionWork[];
    added: PartitionRef[];
  } {
    const mine = new Map(assignment.map((tp) => [keyOf(tp), tp]));
    const kept: PartitionWork[] = [];
    const lost: PartitionWork[] = [];
    for (const [key, part] of this.byKey) (mine.has(key) ? kept : lost).push(part);
    const added = [...mine].filter(([key]) => !this.byKey.has(key)).map(([, tp]) => tp);
    return { kept, lost, added };
  }

  /** The partition numbers not revoked, in order. */
  owned(): number[] {
    return this.list
      .filter((p) => !p.revoked)
      .map((p) => p.tp.partition)
      .sort((a, b) => a - b);
  }

  /** Every attempt running now, across the partitions (for timeouts and shutdown). */
  *attempts(): Generator<Attempt> {
    for (const part of this.list) yield* part.attempts;
  }

  /** Sum of a count over the partitions. */
  total(count: (part: PartitionWork) => number): number {
    let n = 0;
    for (const part of this.list) n += count(part);
    return n;
  }
}

function keyOf(tp: PartitionRef): string {
  return `${tp.topic}:${tp.partition}`;
}
