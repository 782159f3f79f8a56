/**
 * The delivery invariants the fault tests check: no loss, no double completion, order.
 * Tested themselves in test/unit/invariants.test.ts.
 */
export function missingIds(produced: Iterable<string>, completed: Iterable<string>): string[] {
  const done = new Set(completed);
  return [...produced].filter((id) => !done.has(id));
}

export function duplicateIds(completed: Iterable<string>): string[] {
  const seen = new Set<string>();
  const dup = new Set<string>();
  for (const id of completed) (seen.has(id) ? dup : seen).add(id);
  return [...dup];
}

/** Keys whose sequence numbers, in completion order (first completion of each), are not increasing. */
export function keysOutOfOrder(completions: Iterable<{ key: string; seq: number; id: string }>): string[] {
  const last = new Map<string, number>();
  const seen = new Set<string>();
  const bad = new Set<string>();
  for (const c of completions) {
    if (seen.has(c.id)) continue;
    seen.add(c.id);
    const prev = last.get(c.key);
    if (prev !== undefined && c.seq < prev) bad.add(c.key);
    last.set(c.key, c.seq);
  }
  return [...bad];
}
