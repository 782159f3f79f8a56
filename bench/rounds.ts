/**
 * Runs every contender `rounds` times, in interleaved order (a, b, c, a, b, c, ...) so that a noisy neighbour
 * hurts every contender alike, and returns each contender's runs in contender order.
 */
export async function interleavedRounds<C extends { readonly label: string }, R>(
  contenders: readonly C[],
  rounds: number,
  run: (contender: C, index: number, lastRound: boolean) => Promise<R>,
): Promise<R[][]> {
  const results: R[][] = contenders.map(() => []);
  for (let round = 1; round <= rounds; round++) {
    for (const [i, c] of contenders.entries()) {
      process.stderr.write(`round ${round}/${rounds}: ${c.label}…\n`);
      results[i]?.push(await run(c, i, round === rounds));
    }
  }
  return results;
}

/** The run with the median throughput (the upper middle of an even count): one real run, not a blend of runs. */
export function medianRun<T extends { readonly perSec: number }>(runs: readonly T[]): T {
  return upperMiddle(runs, (run) => run.perSec);
}

/**
 * Each round's throughput against the reference's in the same round. The runs of one round are less than a
 * minute apart, so a machine that slows down for a while slows both sides of a pair; a ratio of two medians can
 * instead pair the reference's fast round with a contender's slow one.
 */
export function pairedRatios<T extends { readonly perSec: number }>(
  runs: readonly T[],
  reference: readonly T[],
): number[] {
  return runs.map((run, i) => run.perSec / (reference[i] as T).perSec);
}

/** The median of some values (the upper middle of an even count, as medianRun). */
export function median(values: readonly number[]): number {
  return upperMiddle(values, (v) => v);
}

function upperMiddle<T>(items: readonly T[], valueOf: (item: T) => number): T {
  const sorted = [...items].sort((a, b) => valueOf(a) - valueOf(b));
  const mid = sorted[Math.floor(sorted.length / 2)];
  if (mid === undefined) throw new Error('nothing to take the median of');
  return mid;
}
