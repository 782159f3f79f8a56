import { TaskstreamError } from '../errors.js';
import type { Attempt } from './Attempt.js';

/**
 * Shutdown's wait: lets running attempts finish until the deadline, then aborts the rest (their handlers'
 * signals fire and their results are taken at once) and gives their settling a moment.
 */
export async function drainAttempts(
  running: () => number,
  attempts: () => Iterable<Attempt>,
  deadlineMs: number,
): Promise<void> {
  await waitUntilNone(running, Date.now() + deadlineMs);
  if (running() === 0) return;
  const reason = new TaskstreamError('SHUTDOWN', 'worker is shutting down');
  for (const attempt of attempts()) attempt.abort(reason);
  await waitUntilNone(running, Date.now() + 1000);
}

async function waitUntilNone(running: () => number, deadline: number): Promise<void> {
  while (running() > 0 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
}
