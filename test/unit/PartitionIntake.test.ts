import { describe, expect, it } from 'vitest';
import type { GroupConsumer, PartitionRef } from '../../pipeline/kafka/GroupConsumer.js';
import type { FetchedMessage } from '../../pipeline/kafka/records.js';
import { DLQ_HEADER } from '../../pipeline/retry/handOffHeaders.js';
import { PartitionIntake } from '../../pipeline/runtime/PartitionIntake.js';
import { PartitionWork } from '../../pipeline/runtime/PartitionWork.js';
import { ProcessBudget } from '../../pipeline/runtime/ProcessBudget.js';

const tp: PartitionRef = { topic: 'tasks.t', partition: 0 };

function records(from: number, to: number, headers: Record<string, string> = {}): FetchedMessage[] {
  return Array.from({ length: to - from }, (_, i) => ({
    offset: String(from + i),
    key: Buffer.from(`k${from + i}`),
    value: Buffer.from([0]),
    headers,
    timestamp: '0',
  }));
}

/** An intake over one partition whose tasks never finish by themselves: taken records are only counted. */
function setup(
  options: {
    maxHeld?: number;
    perPartition?: number;
    gated?: boolean;
    canStart?: boolean;
    /** When each fetch's records may start (their dedupe answers are in); undefined: at once. */
    ready?: () => Promise<void> | undefined;
  } = {},
) {
  const calls: string[] = [];
  const consumer = {
    pause: () => calls.push('pause'),
    resume: () => calls.push('resume'),
    seek: (_tp: PartitionRef, offset: string) => calls.push(`seek ${offset}`),
  } as unknown as GroupConsumer;
  const budget = new ProcessBudget(options.maxHeld ?? 100, 10);
  const part = new PartitionWork(tp);
  const started: string[] = [];
  const queued: string[] = [];
  const announced: string[] = [];
  const announcedBeforeStart: boolean[] = [];
  let refills = 0;
  const take = (record: FetchedMessage): void => {
    part.held++;
    budget.hold(1);
    part.nextOffset = Number(record.offset) + 1;
  };
  const intake = new PartitionIntake(
    consumer,
    budget,
    options.perPartition ?? 4,
    { list: [part] },
    {
      canStart: () => options.canStart ?? false,
      startNow: (_p, r) => {
        announcedBeforeStart.push(announced.includes(r.offset));
        take(r);
        started.push(r.offset);
      },
      enqueue: (_p, r) => {
        take(r);
        queued.push(r.offset);
      },
      willRun: (_p, records, from, to) => {
        announced.push(...records.slice(from, to).map((r) => r.offset));
        return options.ready?.();
      },
      refilled: () => void refills++,
    },
    options.gated ?? false,
  );
  /** A taken task ends. */
  const finish = (n: number): void => {
    part.held -= n;
    budget.release(n);
    intake.roomFreed(part);
  };
  return {
    intake,
    part,
    budget,
    calls,
    started,
    queued,
    announced,
    announcedBeforeStart,
    finish,
    refills: () => refills,
  };
}

function gate() {
  let open!: () => void;
  const opened = new Promise<void>((resolve) => (open = resolve));
  return { opened, open };
}

describe('PartitionIntake', () => {
  it('takes what fits the partition, keeps the whole rest of the fetch in its fetch buffer, and pauses', () => {
    const { intake, part, queued, calls } = setup({ perPartition: 4 });
    expect(intake.accept(part, records(0, 10))).toBe(10);
    expect(queued).toEqual(['0', '1', '2', '3']);
    expect(part.buffer.size).toBe(6);
    expect(part.nextOffset).toBe(10);
    expect(calls).toEqual(['pause']);
  });

  it('stays unpaused while its fetch buffer holds no more than half its bound', () => {
    const { intake, part, calls } = setup({ perPartition: 4 });
    intake.accept(part, records(0, 6)); // 4 held, 2 buffered
    expect(part.buffer.size).toBe(2);
    expect(calls).toEqual([]);
    intake.accept(part, records(6, 7)); // behind the buffer: 3 buffered
    expect(part.buffer.size).toBe(3);
    expect(calls).toEqual(['pause']);
  });

  it('starts a record at once when its partition holds nothing and a task may start', () => {
    const { intake, part, started, queued } = setup({ canStart: true });
    intake.accept(part, records(0, 3));
    expect(started).toEqual(['0']);
    expect(queued).toEqual(['1', '2']);
  });

  it('skips records it already has (a fetch that repeats offsets after a seek)', () => {
    const { intake, part, queued } = setup({ perPartition: 10 });
    intake.accept(part, records(0, 3));
    expect(intake.accept(part, records(1, 5))).toBe(4);
    expect(queued).toEqual(['0', '1', '2', '3', '4']);
  });

  it('takes buffered records first as tasks finish, in offset order', () => {
    const { intake, part, queued, finish } = setup({ perPartition: 2 });
    intake.accept(part, records(0, 4));
    finish(2);
    expect(queued).toEqual(['0', '1', '2', '3']);
    expect(part.buffer.size).toBe(0);
  });

  it('resumes a paused partition only once it is below half its bound, seeking to the next offset not taken', () => {
    const { intake, part, calls, finish } = setup({ perPartition: 4 });
    intake.accept(part, records(0, 8)); // 4 held, 4 buffered
    finish(2); // 2 from the buffer are taken: 4 held, 2 buffered
    expect(calls).toEqual(['pause']);
    finish(2); // 2 more taken: 4 held, buffer empty, but held is not below half
    expect(calls).toEqual(['pause']);
    finish(3);
    expect(calls).toEqual(['pause', 'seek 8', 'resume']);
  });

  it('never takes past the process bound, whatever the partition bound', () => {
    const { intake, part, queued } = setup({ maxHeld: 3, perPartition: 10 });
    intake.accept(part, records(0, 6));
    expect(queued).toEqual(['0', '1', '2']);
    expect(part.buffer.size).toBe(3);
  });

  it('announces every record it keeps, taken or buffered, before any of them starts (for one dedupe check)', () => {
    const { intake, part, announced, started, announcedBeforeStart } = setup({ canStart: true, perPartition: 4 });
    expect(intake.accept(part, records(0, 10))).toBe(10);
    expect(started).toEqual(['0']);
    expect(announcedBeforeStart).toEqual([true]);
    expect(announced).toEqual(records(0, 10).map((r) => r.offset));
    // Re-fetched offsets it already has are not announced again.
    intake.accept(part, records(8, 12));
    expect(announced.slice(10)).toEqual(['10', '11']);
  });

  it('keeps a fetch in its buffer until its records are ready, then starts them as it would have', async () => {
    const answers = gate();
    const { intake, part, started, queued, refills } = setup({
      canStart: true,
      perPartition: 4,
      ready: () => answers.opened,
    });
    expect(intake.accept(part, records(0, 3))).toBe(3);
    expect(started).toEqual([]);
    expect(part.buffer.size).toBe(3);
    answers.open();
    await answers.opened;
    await Promise.resolve();
    expect(started).toEqual(['0']);
    expect(queued).toEqual(['1', '2']);
    expect(refills()).toBe(1);
  });

  it('takes the ready records of an earlier fetch while a later fetch waits for its answers', async () => {
    const later = gate();
    const fetches = [undefined, later.opened];
    const { intake, part, queued, finish } = setup({ perPartition: 2, ready: () => fetches.shift() });
    intake.accept(part, records(0, 4)); // ready: 2 taken, 2 buffered
    intake.accept(part, records(4, 6)); // waits for its answers, behind them
    finish(2);
    expect(queued).toEqual(['0', '1', '2', '3']);
    finish(2);
    expect(queued).toEqual(['0', '1', '2', '3']);
    later.open();
    await later.opened;
    await Promise.resolve();
    expect(queued).toEqual(['0', '1', '2', '3', '4', '5']);
  });

  it('in a retry tier, announces only the records that are due', () => {
    const { intake, part, announced } = setup({ gated: true, perPartition: 10 });
    const due = records(0, 2, { [DLQ_HEADER.notBefore]: String(Date.now() - 1) });
    const later = records(2, 4, { [DLQ_HEADER.notBefore]: String(Date.now() + 60_000) });
    intake.accept(part, [...due, ...later]);
    expect(announced).toEqual(['0', '1']);
    intake.stop();
  });

  it('in a retry tier, takes records up to the first not yet due, leaves the rest to Kafka and pauses', () => {
    const { intake, part, queued, calls } = setup({ gated: true, perPartition: 10 });
    const due = records(0, 2, { [DLQ_HEADER.notBefore]: String(Date.now() - 1) });
    const later = records(2, 4, { [DLQ_HEADER.notBefore]: String(Date.now() + 60_000) });
    expect(intake.accept(part, [...due, ...later])).toBe(2);
    expect(queued).toEqual(['0', '1']);
    expect(part.dueAt).toBeGreaterThan(Date.now());
    expect(calls).toEqual(['pause']);
    intake.stop();
  });
  it('in a retry tier, a partition cut short by room resumes as room frees, not when a later record comes due', () => {
    const { intake, part, queued, calls, finish } = setup({ gated: true, perPartition: 4 });
    const due = records(0, 6, { [DLQ_HEADER.notBefore]: String(Date.now() - 1) });
    const later = records(6, 8, { [DLQ_HEADER.notBefore]: String(Date.now() + 60_000) });
    expect(intake.accept(part, [...due, ...later])).toBe(4);
    expect(calls).toEqual(['pause']);
    expect(part.dueAt).toBeUndefined();
    finish(4);
    expect(calls).toEqual(['pause', 'seek 4', 'resume']);
    expect(intake.accept(part, [...due.slice(4), ...later])).toBe(2);
    expect(queued).toEqual(['0', '1', '2', '3', '4', '5']);
    expect(part.dueAt).toBeGreaterThan(Date.now());
    intake.stop();
  });

  it('in a retry tier, a new fetch replaces the wake-up an earlier one armed', async () => {
    const { intake, part, calls } = setup({ gated: true, perPartition: 10 });
    const soon = records(0, 1, { [DLQ_HEADER.notBefore]: String(Date.now() + 20) });
    intake.accept(part, soon);
    const later = records(0, 1, { [DLQ_HEADER.notBefore]: String(Date.now() + 60_000) });
    intake.accept(part, later);
    await new Promise((resolve) => setTimeout(resolve, 60));
    expect(calls).toEqual(['pause']);
    expect(part.dueAt).toBeGreaterThan(Date.now());
    intake.stop();
  });
});
