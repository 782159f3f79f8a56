/**
 * Dead letters still stored and not yet replayed: the records between each partition's low and high offset,
 * less the replay markers (`<partition>:<offset>`) that fall in that range (a marker of a record that retention
 * already deleted counts for nothing).
 */
export function countNotReplayed(
  bounds: readonly { readonly partition: number; readonly low: number; readonly high: number }[],
  replayed: ReadonlySet<string>,
): number {
  const byPartition = new Map(bounds.map((b) => [b.partition, b]));
  let stored = bounds.reduce((n, b) => n + Math.max(0, b.high - b.low), 0);
  for (const position of replayed) {
    const [p, o] = position.split(':');
    const b = byPartition.get(Number(p));
    const offset = Number(o);
    if (b !== undefined && offset >= b.low && offset < b.high) stored--;
  }
  return stored;
}
