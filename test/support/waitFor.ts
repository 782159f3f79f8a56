/** Polls until the condition holds; fails with what it was waiting for. Deadlines are generous on purpose. */
export async function waitFor(
  what: string,
  condition: () => boolean | Promise<boolean>,
  { timeoutMs = 60_000, intervalMs = 50 }: { timeoutMs?: number; intervalMs?: number } = {},
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for: ${what}`);
    await new Promise((r) => setTimeout(r, intervalMs));
  }
}

/**
 * Waits out a window in which nothing more should happen (no redelivery, no retry, no further fire), so the
 * assertions after it can say so. `what` names that nothing, for the reader; the window is a lower bound only.
 */
export async function quietPeriod(ms: number, what: string): Promise<void> {
  void what;
  await new Promise((r) => setTimeout(r, ms));
}
