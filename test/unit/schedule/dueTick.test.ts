import { describe, expect, it } from 'vitest';
import { dueTick, type TickState } from '../../../pipeline/schedule/dueTick.js';

// The policy is a pure function of the clock: each test passes `now` instead of waiting for it.
const hourly = { cron: '0 * * * *', timezone: 'UTC' };
const at = (iso: string): Date => new Date(iso);
const started = at('2025-01-01T00:30:00Z');
const fired = (iso: string): TickState => ({ claimed: at(iso), sent: at(iso) });
const never: TickState = { claimed: undefined, sent: undefined };

describe('missed-tick policy', () => {
  it('fires the tick that just came when the last one was fired', () => {
    const due = dueTick(hourly, at('2025-01-01T03:00:00.004Z'), fired('2025-01-01T02:00:00Z'), started);
    expect(due).toEqual({ tick: at('2025-01-01T03:00:00Z'), resend: false });
  });

  it('after downtime fires only the most recent missed tick, never the backlog', () => {
    // Down from 02:00 to 07:20: ticks 03:00 to 07:00 were missed; only 07:00 fires.
    const due = dueTick(hourly, at('2025-01-01T07:20:00Z'), fired('2025-01-01T02:00:00Z'), started);
    expect(due).toEqual({ tick: at('2025-01-01T07:00:00Z'), resend: false });
  });

  it('fires nothing when the latest tick was already fired', () => {
    expect(dueTick(hourly, at('2025-01-01T07:59:59Z'), fired('2025-01-01T07:00:00Z'), started)).toBeUndefined();
  });

  it('fires nothing for a tick from before a schedule that never fired was first started', () => {
    expect(dueTick(hourly, at('2025-01-01T00:45:00Z'), never, started)).toBeUndefined();
  });

  it('fires the first tick after a schedule that never fired was started', () => {
    const due = dueTick(hourly, at('2025-01-01T01:00:00.010Z'), never, started);
    expect(due).toEqual({ tick: at('2025-01-01T01:00:00Z'), resend: false });
  });

  it('sends again a tick that was claimed but never confirmed sent, while it is still the latest', () => {
    const state = { claimed: at('2025-01-01T05:00:00Z'), sent: at('2025-01-01T04:00:00Z') };
    expect(dueTick(hourly, at('2025-01-01T05:10:00Z'), state, started)).toEqual({
      tick: at('2025-01-01T05:00:00Z'),
      resend: true,
    });
  });

  it('skips a claimed but unsent tick once a newer tick is due, firing the newer one', () => {
    const state = { claimed: at('2025-01-01T05:00:00Z'), sent: undefined };
    expect(dueTick(hourly, at('2025-01-01T06:00:01Z'), state, started)).toEqual({
      tick: at('2025-01-01T06:00:00Z'),
      resend: false,
    });
  });

  describe('with maxLateMs', () => {
    const hourlyWithin10Min = { ...hourly, maxLateMs: 600_000 };

    it('fires a tick no later than maxLateMs as usual', () => {
      const due = dueTick(hourlyWithin10Min, at('2025-01-01T07:09:59Z'), fired('2025-01-01T06:00:00Z'), started);
      expect(due).toEqual({ tick: at('2025-01-01T07:00:00Z'), resend: false });
    });

    it('marks a tick later than maxLateMs too late: to be claimed, not sent', () => {
      const due = dueTick(hourlyWithin10Min, at('2025-01-01T07:20:00Z'), fired('2025-01-01T02:00:00Z'), started);
      expect(due).toEqual({ tick: at('2025-01-01T07:00:00Z'), resend: false, tooLate: true });
    });

    it('does not send again a claimed, unsent tick once it is later than maxLateMs', () => {
      const state = { claimed: at('2025-01-01T05:00:00Z'), sent: at('2025-01-01T04:00:00Z') };
      expect(dueTick(hourlyWithin10Min, at('2025-01-01T05:10:01Z'), state, started)).toBeUndefined();
    });

    it('lets the next tick fire on time after a skipped one', () => {
      const skipped = { claimed: at('2025-01-01T07:00:00Z'), sent: at('2025-01-01T02:00:00Z') };
      const due = dueTick(hourlyWithin10Min, at('2025-01-01T08:00:00.002Z'), skipped, started);
      expect(due).toEqual({ tick: at('2025-01-01T08:00:00Z'), resend: false });
    });
  });
});
