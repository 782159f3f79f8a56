/** The run with the median throughput (the upper middle of an even count): one real run, not a blend of runs. */
export function medianRun<T extends { readonly perSec: number }>(runs: readonly T[]): T {
  const sorted = [...runs].sort((a, b) => a.perSec - b.perSec);
  const mid = sorted[Math.floor(sorted.length / 2)];
  if (mid === undefined) throw new Error('no runs to take the median of');
  return mid;
}
