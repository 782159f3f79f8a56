import { describe, expect, it, vi } from 'vitest';
import type { Logger } from '../../pipeline/logging/logger.js';
import { Attempt } from '../../pipeline/runtime/Attempt.js';
import { AttemptList } from '../../pipeline/runtime/AttemptList.js';
import type { Job } from '../../pipeline/runtime/Job.js';

const job = { taskId: 't', attempt: 1, key: null, record: { topic: 't', partition: 0, offset: '0' } } as unknown as Job;
const log = { child: vi.fn() } as unknown as Logger;
const attempts = (n: number): Attempt[] =>
  Array.from({ length: n }, () => new Attempt(job, { ended: () => undefined, heartbeat: () => undefined }, log));

describe('AttemptList', () => {
  it('holds the attempts added and not deleted', () => {
    const list = new AttemptList();
    const [a, b, c] = attempts(3) as [Attempt, Attempt, Attempt];
    list.add(a);
    list.add(b);
    list.add(c);
    list.delete(a);
    expect(new Set(list)).toEqual(new Set([b, c]));
    expect(list.size).toBe(2);
  });

  it('keeps every other attempt when the last one, a middle one or the first one leaves', () => {
    const list = new AttemptList();
    const all = attempts(5);
    for (const a of all) list.add(a);
    for (const i of [4, 2, 0]) list.delete(all[i] as Attempt);
    expect(new Set(list)).toEqual(new Set([all[1], all[3]]));
    // The moved attempts still know where they are: deleting them empties the list.
    list.delete(all[1] as Attempt);
    list.delete(all[3] as Attempt);
    expect([...list]).toEqual([]);
  });

  it('ignores deleting an attempt that is not in it, or deleting one twice', () => {
    const list = new AttemptList();
    const [a, b, stranger] = attempts(3) as [Attempt, Attempt, Attempt];
    list.add(a);
    list.add(b);
    list.delete(stranger);
    list.delete(a);
    list.delete(a);
    expect([...list]).toEqual([b]);
  });

  it('visits every attempt once even when each one leaves as it is visited (as aborting does)', () => {
    const list = new AttemptList();
    const all = attempts(4);
    for (const a of all) list.add(a);
    const visited: Attempt[] = [];
    for (const a of list) {
      visited.push(a);
      list.delete(a);
    }
    expect(new Set(visited)).toEqual(new Set(all));
    expect(visited).toHaveLength(4);
    expect(list.size).toBe(0);
  });
});
