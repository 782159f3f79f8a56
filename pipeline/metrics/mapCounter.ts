import { Counter, type Registry } from 'prom-client';

/**
 * A counter with one label whose values are read, when scraped, from a map that the hot path adds to as plain
 * numbers (a prom-client `inc` hashes its labels on every call).
 */
export function mapCounter(
  registry: Registry,
  name: string,
  help: string,
  label: string,
  counts: ReadonlyMap<string, number>,
): Counter<string> {
  return new Counter({
    name,
    help,
    labelNames: [label],
    registers: [registry],
    collect() {
      this.reset();
      for (const [value, n] of counts) this.inc({ [label]: value }, n);
    },
  });
}
