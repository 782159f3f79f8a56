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
  const sorted = [...runs].sort((a, b) => a.perSec - b.perSec);
  const mid = sorted[Math.floor(sorted.length / 2)];
  if (mid === undefined) throw new Error('no runs to take the median of');
  return mid;
}
