import { InvalidArgumentError } from 'commander';
import { duration } from '../cli/shared/output.js';

export interface DemoOptions {
  /** How long to feed tasks, in ms. */
  readonly durationMs: number;
  /** Tasks enqueued per second. */
  readonly rate: number;
  /** The folder for the demo's files. */
  readonly dir: string;
  /** Prefix of the demo's topics, groups and scheduler group. */
  readonly namespace: string;
}

export const MAX_DURATION_MS = 3_600_000;
export const MAX_RATE = 200;

/** `--duration`: 1 s to 1 h. */
export function demoDuration(value: string): number {
  const ms = duration(value);
  if (ms < 1000 || ms > MAX_DURATION_MS) throw new InvalidArgumentError('expected a duration from 1s to 1h.');
  return ms;
}

/** `--rate`: tasks a second, more than 0 and at most 200 (two workers on a laptop, not a benchmark). */
export function demoRate(value: string): number {
  const n = Number(value);
  if (value.trim() === '' || !Number.isFinite(n) || n <= 0 || n > MAX_RATE) {
    throw new InvalidArgumentError(`expected tasks a second, more than 0 and at most ${MAX_RATE}.`);
  }
  return n;
}

/** `--namespace`: goes into topic and group names, so only what Kafka allows there, and short. */
export function demoNamespace(value: string): string {
  if (!/^[a-z0-9][a-z0-9_-]{0,39}$/.test(value)) {
    throw new InvalidArgumentError(
      'expected 1 to 40 lower-case letters, digits, "-" or "_", starting with a letter or digit.',
    );
  }
  return value;
}
