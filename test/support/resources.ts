import { randomUUID } from 'node:crypto';

type Cleanup = () => Promise<unknown> | unknown;
const cleanups: Cleanup[] = [];

/** Registers a cleanup to run after the current test, newest first, each even if another fails. */
export function onCleanup(fn: Cleanup): void {
  cleanups.push(fn);
}

/** Creates a resource and registers its cleanup in one step, so no test can forget to close it. */
export async function using<T extends { close(): Promise<unknown> }>(resource: T | Promise<T>): Promise<T> {
  const r = await resource;
  onCleanup(() => r.close());
  return r;
}

export async function runCleanups(): Promise<void> {
  const errors: unknown[] = [];
  while (cleanups.length > 0) {
    const fn = cleanups.pop() as Cleanup;
    try {
      await fn();
    } catch (err) {
      errors.push(err);
    }
  }
  if (errors.length > 0) throw new AggregateError(errors, 'cleanup failed');
}

/** A name no other test (or earlier run) uses: topics, groups, subjects. */
export function uniqueName(prefix: string): string {
  return `${prefix}-${randomUUID().slice(0, 8)}`;
}
