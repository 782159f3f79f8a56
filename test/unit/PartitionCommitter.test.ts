import { describe, expect, it, vi } from 'vitest';
import type { GroupConsumer } from '../../pipeline/kafka/GroupConsumer.js';
import type { Logger } from '../../pipeline/logging/logger.js';
import { MARKS_WAIT_MS, PartitionCommitter } from '../../pipeline/runtime/PartitionCommitter.js';
import { PartitionWork } from '../../pipeline/runtime/PartitionWork.js';

const log = { debug: vi.fn(), warn: vi.fn() } as unknown as Logger;

function partition(n: number, completed: number): PartitionWork {
  const part = new PartitionWork({ topic: 't', partition: n });
  for (let o = 0; o < completed; o++) part.tracker.complete(part.tracker.add(String(o)));
  return part;
}

function gate() {
  let open!: () => void;
  const opened = new Promise<void>((resolve) => (open = resolve));
  return { opened, open };
}

describe('PartitionCommitter', () => {
  it('commits only once the done marks queued before it are stored, and only offsets read before', async () => {
    const commit = vi.fn(async () => undefined);
    const marks = gate();
    const committer = new PartitionCommitter({ commit } as unknown as GroupConsumer, log, () => marks.opened);
    const part = partition(0, 3);
    const committing = committer.commit([part]);
    await new Promise((resolve) => setImmediate(resolve));
    expect(commit).not.toHaveBeenCalled();
    // Completed while the marks were being written: its own mark is not covered by this wait.
    part.tracker.complete(part.tracker.add('3'));
    marks.open();
    await committing;
    expect(commit).toHaveBeenCalledWith([expect.objectContaining({ topic: 't', partition: 0, offset: '3' })]);
  });

  it('leaves out a partition revoked while the marks were written', async () => {
    const commit = vi.fn(async () => undefined);
    const marks = gate();
    const committer = new PartitionCommitter({ commit } as unknown as GroupConsumer, log, () => marks.opened);
    const kept = partition(0, 2);
    const lost = partition(1, 2);
    const committing = committer.commit([kept, lost]);
    lost.revoked = true;
    marks.open();
    await committing;
    expect(commit).toHaveBeenCalledWith([expect.objectContaining({ partition: 0, offset: '2' })]);
  });

  it('gives up after a while when the marks are not stored (Redis hangs): commits nothing, and lets the next try', async () => {
    vi.useFakeTimers();
    try {
      const commit = vi.fn(async () => undefined);
      let marks: Promise<void> = new Promise(() => undefined);
      const committer = new PartitionCommitter({ commit } as unknown as GroupConsumer, log, () => marks);
      const part = partition(0, 2);
      let settled = false;
      void committer.commit([part]).then(() => (settled = true));
      await vi.advanceTimersByTimeAsync(MARKS_WAIT_MS - 1);
      expect(settled).toBe(false);
      await vi.advanceTimersByTimeAsync(1);
      expect(settled).toBe(true);
      expect(commit).not.toHaveBeenCalled();
      expect(log.warn).toHaveBeenCalledTimes(1);
      marks = Promise.resolve();
      await committer.commit([part]);
      expect(commit).toHaveBeenCalledWith([expect.objectContaining({ partition: 0, offset: '2' })]);
    } finally {
      vi.useRealTimers();
    }
  });

  it('without dedupe commits at once', async () => {
    const commit = vi.fn(async () => undefined);
    const committer = new PartitionCommitter({ commit } as unknown as GroupConsumer, log);
    await committer.commit([partition(0, 1)]);
    expect(commit).toHaveBeenCalledTimes(1);
  });
});
