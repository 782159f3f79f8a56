import { InvalidArgumentError } from 'commander';

/** Writes one line to stdout. */
export function say(line = ''): void {
  process.stdout.write(`${line}\n`);
}

/** Writes one line to stderr (notes and per-line problems; never data a script parses). */
export function note(line: string): void {
  process.stderr.write(`${line}\n`);
}

export function printJson(value: unknown): void {
  process.stdout.write(`${JSON.stringify(value, null, 2)}\n`);
}

/** Red when stdout is a terminal (and NO_COLOR is not set); plain otherwise. */
export function red(text: string): string {
  return process.stdout.isTTY && !process.env.NO_COLOR ? `\x1b[31m${text}\x1b[0m` : text;
}

const ANSI = /\x1b\[[0-9;]*m/g; // eslint-disable-line no-control-regex

/** A plain table: a header row, then left-aligned columns two spaces apart (colour codes do not count). */
export function printTable(headers: readonly string[], rows: readonly (readonly (string | number)[])[]): void {
  const cells = [headers, ...rows].map((r) => r.map(String));
  const widths = headers.map((_, i) => Math.max(...cells.map((r) => (r[i] ?? '').replace(ANSI, '').length)));
  for (const row of cells) {
    const line = row.map((c, i) =>
      i === row.length - 1 ? c : c + ' '.repeat((widths[i] ?? 0) - c.replace(ANSI, '').length),
    );
    say(line.join('  ').trimEnd());
  }
}

/** `--partitions 6`-style options: a whole number of at least 1. */
export function positiveInt(value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1) throw new InvalidArgumentError('expected a whole number of at least 1.');
  return n;
}

/** A TCP port to listen on: 0 (any free one) to 65535. */
export function portNumber(value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 0 || n > 65535) throw new InvalidArgumentError('expected a port from 0 to 65535.');
  return n;
}

/** `60s`, `2m`, `500ms`, `1h`, `7d`, or a bare number of seconds, in milliseconds. */
export function duration(value: string): number {
  const m = /^(\d+(?:\.\d+)?)(ms|s|m|h|d)?$/.exec(value.trim());
  if (!m) throw new InvalidArgumentError('expected a duration such as 500ms, 30s, 2m, 1h or 7d.');
  const unit = { ms: 1, s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 }[
    (m[2] ?? 's') as 'ms' | 's' | 'm' | 'h' | 'd'
  ];
  return Math.round(Number(m[1]) * unit);
}

export function formatDuration(ms: number): string {
  if (ms < 1000) return `${ms}ms`;
  if (ms < 120_000) return `${Math.round(ms / 1000)}s`;
  if (ms < 7_200_000) return `${Math.round(ms / 60_000)}m`;
  return `${Math.round(ms / 3_600_000)}h`;
}
