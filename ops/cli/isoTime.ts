import { UsageError } from './UsageError.js';

const DATE_TIME =
  /^(\d{4})-(\d{2})-(\d{2})(?:[T ](\d{2}):(\d{2})(?::(\d{2})(?:[.,](\d{1,9}))?)?(Z|z|[+-]\d{2}(?::?\d{2})?)?)?$/;

/**
 * An ISO 8601 date-time as epoch milliseconds: `2025-01-31T09:30:00Z`, `…T09:30:00.250+01:00`,
 * `…T09:30` (no zone: local time, as Kafka's own tool reads it) or a bare date `2025-01-31` (midnight UTC,
 * as JavaScript reads it). Anything else, or a day that does not exist, is a usage error naming the option.
 */
export function parseIsoDateTime(option: string, text: string): number {
  const m = DATE_TIME.exec(text.trim());
  const bad = (): never => {
    throw new UsageError(`${option} "${text}" is not an ISO 8601 date-time (e.g. 2025-01-31T09:30:00Z)`);
  };
  if (!m) return bad();
  const [, y, mo, d, h, mi, s, frac, zone] = m;
  const year = Number(y);
  const month = Number(mo);
  const day = Number(d);
  const hour = Number(h ?? 0);
  const minute = Number(mi ?? 0);
  const second = Number(s ?? 0);
  const ms = frac === undefined ? 0 : Math.floor(Number(`0.${frac}`) * 1000);
  const daysInMonth = new Date(Date.UTC(year, month, 0)).getUTCDate();
  if (month < 1 || month > 12 || day < 1 || day > daysInMonth || hour > 23 || minute > 59 || second > 59) bad();
  if (h === undefined) return Date.UTC(year, month - 1, day);
  if (zone === undefined) return new Date(year, month - 1, day, hour, minute, second, ms).getTime();
  const utc = Date.UTC(year, month - 1, day, hour, minute, second, ms);
  if (zone === 'Z' || zone === 'z') return utc;
  const zm = /^([+-])(\d{2}):?(\d{2})?$/.exec(zone);
  if (!zm) return bad();
  const offsetMin = Number(zm[2]) * 60 + Number(zm[3] ?? 0);
  if (Number(zm[2]) > 18 || Number(zm[3] ?? 0) > 59) bad();
  return utc - (zm[1] === '-' ? -1 : 1) * offsetMin * 60_000;
}

const DURATION = /^P(?:(\d+)D)?(?:T(?:(\d+)H)?(?:(\d+)M)?(?:(\d+(?:[.,]\d{1,9})?)S)?)?$/i;

/**
 * An ISO 8601 duration in the form Kafka's `--by-duration` takes (`PnDTnHnMnS`, e.g. PT1H, P1DT12H,
 * PT90M, PT0.5S) as milliseconds. Years, months and weeks have no fixed length and are refused, as Java's
 * Duration refuses them.
 */
export function parseIsoDuration(option: string, text: string): number {
  const m = DURATION.exec(text.trim());
  if (
    !m ||
    (m[1] === undefined && m[2] === undefined && m[3] === undefined && m[4] === undefined) ||
    /T$/i.test(text)
  ) {
    throw new UsageError(`${option} "${text}" is not an ISO 8601 duration of the form PnDTnHnMnS (e.g. PT1H, P1DT12H)`);
  }
  const [, d, h, mi, s] = m;
  return (
    Number(d ?? 0) * 86_400_000 +
    Number(h ?? 0) * 3_600_000 +
    Number(mi ?? 0) * 60_000 +
    Math.round(Number((s ?? '0').replace(',', '.')) * 1000)
  );
}
