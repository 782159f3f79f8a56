import { describe, expect, it } from 'vitest';
import { ConfigError } from '../../../pipeline/errors.js';
import { defineSchedule, type ScheduleOptions } from '../../../pipeline/schedule/defineSchedule.js';
import { Scheduler } from '../../../pipeline/schedule/Scheduler.js';
import { generateReport } from '../../../schemas/tasks.js';
import { noteTask } from '../../support/fixtures/taskTypes.js';

const task = noteTask();
type NoteOptions = ScheduleOptions<typeof task>;
const valid: NoteOptions = {
  name: 'nightly',
  task,
  cron: '0 3 * * *',
  payload: (tick) => ({ id: tick.toISOString(), key: 'k', seq: 1 }),
};

function messageOf(options: Partial<NoteOptions> | Record<string, unknown>): string {
  try {
    defineSchedule({ ...valid, ...options } as NoteOptions);
  } catch (err) {
    expect(err).toBeInstanceOf(ConfigError);
    return (err as Error).message;
  }
  throw new Error('defineSchedule accepted the options');
}

describe('defineSchedule', () => {
  it('types the payload by its task: an Avro enum symbol needs no `as const`, a wrong field is refused', () => {
    const schedule = defineSchedule({
      name: 'morning-report',
      task: generateReport,
      cron: '0 6 * * *',
      payload: (tick) => ({ customerId: 'acme', period: 'DAY', requestedAt: tick.getTime() }),
    });
    expect(schedule.payload(new Date(0))).toEqual({ customerId: 'acme', period: 'DAY', requestedAt: 0 });
    defineSchedule({
      name: 'morning-report',
      task: generateReport,
      cron: '0 6 * * *',
      // @ts-expect-error YEAR is not a symbol of the period enum
      payload: () => ({ customerId: 'acme', period: 'YEAR', requestedAt: 0 }),
    });
  });

  it('defaults the timezone to UTC and keeps the options given', () => {
    const s = defineSchedule(valid);
    expect(s).toMatchObject({ name: 'nightly', cron: '0 3 * * *', timezone: 'UTC', key: undefined });
    expect(s.task).toBe(task);
  });

  it('refuses a maxLateMs that is not a whole number of milliseconds of at least 1000', () => {
    expect(messageOf({ maxLateMs: 500 })).toBe(
      'schedule "nightly": maxLateMs must be a whole number of milliseconds, at least 1000, got 500',
    );
    expect(messageOf({ maxLateMs: 1500.5 })).toContain('got 1500.5');
    expect(defineSchedule({ ...valid, maxLateMs: 3_600_000 }).maxLateMs).toBe(3_600_000);
  });

  it('names a bad cron expression and gives the parser reason', () => {
    expect(messageOf({ cron: '61 * * * *' })).toBe(
      'schedule "nightly": cron expression "61 * * * *" is invalid: Constraint error, got value 61 expected range 0-59',
    );
  });

  it('refuses an expression with too few fields instead of filling them with *', () => {
    expect(messageOf({ cron: '0 9' })).toMatch(
      /^schedule "nightly": cron expression "0 9" is invalid: expected 5 fields .* got 2$/,
    );
  });

  it('refuses an expression that can never fire', () => {
    expect(messageOf({ cron: '0 0 30 2 *' })).toMatch(
      /^schedule "nightly": cron expression "0 0 30 2 \*" is invalid: /,
    );
  });

  it('refuses a timezone that is not an IANA zone', () => {
    expect(messageOf({ timezone: 'Mars/Olympus' })).toBe(
      'schedule "nightly": timezone "Mars/Olympus" is not an IANA time zone (e.g. "UTC", "Europe/Berlin")',
    );
  });

  it('refuses a name that is not a safe identifier', () => {
    for (const name of ['', 'a:b', 'report@9', 'two words', 'x'.repeat(101)]) {
      expect(messageOf({ name })).toMatch(/^schedule name ".*" must be 1 to 100 letters, digits, '\.', '_' or '-'/);
    }
  });

  it('refuses a payload that is not a function', () => {
    expect(messageOf({ payload: { id: 'x' } })).toBe(
      `schedule "nightly": payload must be a function from the tick (a Date) to the task's input`,
    );
  });
});

describe('Scheduler options', () => {
  it('refuses two schedules of one name', () => {
    expect(() => new Scheduler({ schedules: [defineSchedule(valid), defineSchedule(valid)] })).toThrow(
      'schedule "nightly" is declared twice; names must be unique',
    );
  });

  it('refuses a lease too short to renew', () => {
    expect(() => new Scheduler({ schedules: [defineSchedule(valid)], leaseMs: 50 })).toThrow(
      'leaseMs must be a whole number of milliseconds, at least 300, got 50',
    );
  });
});
