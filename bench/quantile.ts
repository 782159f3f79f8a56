/** The value at quantile `q` (0.5: the median) of ascending `sorted`, nearest rank below; NaN when empty. */
export function quantile(sorted: readonly number[], q: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] ?? NaN;
}
