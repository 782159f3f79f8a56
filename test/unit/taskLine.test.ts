import { describe, expect, it } from 'vitest';
import { checkTaskLine, EnvelopeInvalidError, readTaskLine } from '../../ops/cli/shared/taskLine.js';
import { DelayTooLongError } from '../../pipeline/delay/DelayTooLongError.js';
import { PayloadInvalidError } from '../../pipeline/errors.js';
import { RegistryClient } from '../../pipeline/codec/RegistryClient.js';
import { TaskCodec } from '../../pipeline/codec/TaskCodec.js';
import { defineTask } from '../../pipeline/task/defineTask.js';

/** A schema whose every field has a default: an envelope-shaped object is a valid payload of it. */
const lenient = defineTask({
  name: 'lenient',
  schema: {
    type: 'record',
    name: 'Lenient',
    fields: [
      { name: 'payload', type: ['null', 'string'], default: null },
      { name: 'delay', type: ['null', 'string'], default: null },
    ],
  } as const,
  maxDelayMs: 3_600_000,
});
const NOW = Date.parse('2026-03-01T12:00:00Z');
const accept = (): void => undefined;
const codec = new TaskCodec(lenient, new RegistryClient({ url: 'http://unused.invalid' }));
const validate = (payload: unknown): void => codec.validate(payload);

describe('a line of enqueue --file', () => {
  it('is the payload itself without --envelopes, whatever keys it has', () => {
    // Why envelopes are a mode and not a guess: this line is a valid payload of `lenient`.
    expect(() => validate({ payload: 'x', delay: '10m' })).not.toThrow();
    expect(readTaskLine('{"payload":"x","delay":"10m"}', false)).toEqual({
      payload: { payload: 'x', delay: '10m' },
      enveloped: false,
    });
  });

  it('with --envelopes carries its own delay or time beside the payload', () => {
    expect(readTaskLine('{"payload":{"id":"a"},"delay":"10m"}', true)).toEqual({
      payload: { id: 'a' },
      enveloped: true,
      delay: { delayMs: 600_000 },
    });
    expect(readTaskLine('{"payload":{"id":"a"},"at":"2026-03-01T12:30:00Z"}', true).delay).toEqual({
      runAt: new Date(NOW + 1_800_000),
    });
    expect(readTaskLine('{"payload":{"id":"a"}}', true)).toEqual({ payload: { id: 'a' }, enveloped: true });
  });

  it.each([
    ['[1]', '(root)'],
    ['{"delay":"10m"}', 'payload'],
    ['{"payload":{},"opts":{"delay":1000}}', 'opts'],
    ['{"payload":{},"delay":"10m","at":"2026-03-01T12:30:00Z"}', 'at'],
    ['{"payload":{},"delay":600000}', 'delay'],
    ['{"payload":{},"delay":"ten minutes"}', 'delay'],
    ['{"payload":{},"at":"noon"}', 'at'],
  ])('with --envelopes, %s is a bad line naming %s', (text, field) => {
    const read = (): unknown => readTaskLine(text, true);
    expect(read).toThrow(EnvelopeInvalidError);
    expect(read).toThrow(new RegExp(`^${field.replace(/[()]/g, '\\$&')}: `));
  });

  it("names the payload's schema problems under payload.", () => {
    const line = readTaskLine('{"payload":{"payload":7}}', true);
    expect(() => checkTaskLine(line, lenient, validate, NOW)).toThrow(PayloadInvalidError);
    expect(() => checkTaskLine(line, lenient, validate, NOW)).toThrow(/payload\.payload: expected/);
  });

  it("refuses a line's delay longer than the task type accepts, as a bad delay", () => {
    const line = readTaskLine('{"payload":{},"delay":"2h"}', true);
    expect(() => checkTaskLine(line, lenient, accept, NOW)).toThrow(EnvelopeInvalidError);
    expect(() => checkTaskLine(line, lenient, accept, NOW)).toThrow(/^delay: .*accepts delays up to 3600000 ms/);
    expect(() => checkTaskLine(line, lenient, accept, NOW)).not.toThrow(DelayTooLongError);
  });

  it('accepts a time already past: the task runs at once', () => {
    const line = readTaskLine('{"payload":{},"at":"2020-01-01T00:00:00Z"}', true);
    expect(() => checkTaskLine(line, lenient, accept, NOW)).not.toThrow();
  });
});
