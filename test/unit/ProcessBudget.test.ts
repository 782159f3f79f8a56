import { describe, expect, it, vi } from 'vitest';
import { ProcessBudget } from '../../pipeline/runtime/ProcessBudget.js';

const microtasks = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

describe('ProcessBudget', () => {
  it('has room for maxHeld tasks when it holds none', () => {
    expect(new ProcessBudget(10, 2).roomToHold()).toBe(10);
  });

  it('leaves room for maxHeld minus what it holds', () => {
    const budget = new ProcessBudget(10, 2);
    budget.hold(4);
    expect(budget.roomToHold()).toBe(6);
  });

  it('reports no room, never negative room, when it holds more than maxHeld', () => {
    const budget = new ProcessBudget(10, 2);
    budget.hold(12);
    expect(budget.roomToHold()).toBe(0);
  });

  it('gives room back on release', () => {
    const budget = new ProcessBudget(10, 2);
    budget.hold(10);
    budget.release(3);
    expect(budget.roomToHold()).toBe(3);
  });

  it('remembers in peakHeld the most it ever held, after releases', () => {
    const budget = new ProcessBudget(100, 2);
    budget.hold(5);
    budget.hold(7);
    budget.release(10);
    budget.hold(3);
    expect(budget.peakHeld).toBe(12);
  });

  it('sets the low-water mark at half of maxHeld by default, rounded down', () => {
    expect(new ProcessBudget(11, 1).lowWater).toBe(5);
  });

  it('is below low water at and under the mark, not above it', () => {
    const budget = new ProcessBudget(10, 1);
    budget.hold(5);
    expect(budget.belowLowWater).toBe(true);
    budget.hold(1);
    expect(budget.belowLowWater).toBe(false);
  });

  it('takes a low-water mark of its own', () => {
    const budget = new ProcessBudget(10, 1, 2);
    budget.hold(3);
    expect(budget.belowLowWater).toBe(false);
  });

  it('lets tasks run until maxRunning are running', () => {
    const budget = new ProcessBudget(10, 2);
    budget.started();
    expect(budget.canRun()).toBe(true);
    budget.started();
    expect(budget.canRun()).toBe(false);
    budget.finished();
    expect(budget.canRun()).toBe(true);
  });

  it('does not notify a single listener (its runner pumps itself)', async () => {
    const budget = new ProcessBudget(10, 2);
    const only = vi.fn();
    budget.onCapacity(only);
    budget.hold(1);
    budget.release(1);
    await microtasks();
    expect(only).not.toHaveBeenCalled();
  });

  it('notifies every listener on release when there are two or more', async () => {
    const budget = new ProcessBudget(10, 2);
    const first = vi.fn();
    const second = vi.fn();
    budget.onCapacity(first);
    budget.onCapacity(second);
    budget.hold(1);
    budget.release(1);
    await microtasks();
    expect(first).toHaveBeenCalledTimes(1);
    expect(second).toHaveBeenCalledTimes(1);
  });

  it('notifies on a microtask, not synchronously', async () => {
    const budget = new ProcessBudget(10, 2);
    const first = vi.fn();
    budget.onCapacity(first);
    budget.onCapacity(() => undefined);
    budget.release(0);
    expect(first).not.toHaveBeenCalled();
    await Promise.resolve();
    expect(first).toHaveBeenCalledTimes(1);
  });

  it('notifies when a running task finishes', async () => {
    const budget = new ProcessBudget(10, 2);
    const first = vi.fn();
    budget.onCapacity(first);
    budget.onCapacity(() => undefined);
    budget.started();
    budget.finished();
    await microtasks();
    expect(first).toHaveBeenCalledTimes(1);
  });

  it('does not notify on hold or started', async () => {
    const budget = new ProcessBudget(10, 2);
    const first = vi.fn();
    budget.onCapacity(first);
    budget.onCapacity(() => undefined);
    budget.hold(3);
    budget.started();
    await microtasks();
    expect(first).not.toHaveBeenCalled();
  });

  it('coalesces changes in the same tick into one notification', async () => {
    const budget = new ProcessBudget(10, 3);
    const first = vi.fn();
    budget.onCapacity(first);
    budget.onCapacity(() => undefined);
    budget.hold(3);
    budget.release(1);
    budget.release(1);
    budget.started();
    budget.finished();
    await microtasks();
    expect(first).toHaveBeenCalledTimes(1);
  });

  it('notifies again for changes after the previous notification ran', async () => {
    const budget = new ProcessBudget(10, 2);
    const first = vi.fn();
    budget.onCapacity(first);
    budget.onCapacity(() => undefined);
    budget.release(0);
    await microtasks();
    budget.release(0);
    await microtasks();
    expect(first).toHaveBeenCalledTimes(2);
  });

  it('stops notifying a listener once its unsubscribe function is called', async () => {
    const budget = new ProcessBudget(10, 2);
    const kept = vi.fn();
    const gone = vi.fn();
    budget.onCapacity(kept);
    budget.onCapacity(() => undefined);
    const unsubscribe = budget.onCapacity(gone);
    unsubscribe();
    budget.release(0);
    await microtasks();
    expect(kept).toHaveBeenCalledTimes(1);
    expect(gone).not.toHaveBeenCalled();
  });

  it('falls silent when unsubscribing leaves a single listener', async () => {
    const budget = new ProcessBudget(10, 2);
    const kept = vi.fn();
    budget.onCapacity(kept);
    budget.onCapacity(() => undefined)();
    budget.release(0);
    await microtasks();
    expect(kept).not.toHaveBeenCalled();
  });
});
