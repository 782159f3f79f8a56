/** How the benches print per-round ratios (see pairedRatios in rounds.ts). */
import { median } from './rounds.js';

export function round3(n: number): number {
  return Number(n.toFixed(3));
}

export function range(values: readonly number[]): [number, number] {
  return [round3(Math.min(...values)), round3(Math.max(...values))];
}

/** "87% (66-93%)": the median round's ratio and the range over the rounds. */
export function percentOf(ratios: readonly number[]): string {
  const pct = (r: number): number => Math.round(r * 100);
  const [low, high] = range(ratios);
  return ratios.length > 1 ? `${pct(median(ratios))}% (${pct(low)}-${pct(high)}%)` : `${pct(median(ratios))}%`;
}

/** "5.2x (4.8-6.0x)", as percentOf for ratios far above 1. */
export function timesOf(ratios: readonly number[]): string {
  const x = (r: number): string => r.toFixed(1);
  const [low, high] = range(ratios);
  return ratios.length > 1 ? `${x(median(ratios))}x (${x(low)}-${x(high)}x)` : `${x(median(ratios))}x`;
}
