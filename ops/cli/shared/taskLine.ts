import { InvalidArgumentError } from 'commander';
import { taskTime, type DelayOptions } from '../../../pipeline/delay/taskTime.js';
import { PayloadInvalidError, TaskstreamError } from '../../../pipeline/errors.js';
import type { TaskDefinition } from '../../../pipeline/task/defineTask.js';
import { parseIsoDateTime } from '../isoTime.js';
import { UsageError } from '../UsageError.js';
import { duration } from './output.js';

/** One line of an `enqueue --file` file: the payload, and the line's own delay when it gives one. */
export interface TaskLine {
  readonly payload: unknown;
  /** The line's own delay or time (an envelope's `delay` or `at`); undefined: the command's --delay/--at apply. */
  readonly delay?: DelayOptions;
  /** Read as an envelope (`--envelopes`): its payload's problems are named under `payload.`. */
  readonly enveloped: boolean;
}

/** An envelope line that is not `{"payload": …}` with at most one of `delay` or `at`, or whose delay is bad. */
export class EnvelopeInvalidError extends TaskstreamError {
  constructor(
    readonly field: string,
    reason: string,
  ) {
    super('PAYLOAD_INVALID', `${field}: ${reason}`, { retriable: false });
  }
}

const ENVELOPE_KEYS = new Set(['payload', 'delay', 'at']);

/**
 * Reads one line. A plain line is the payload itself, as it always was. With `envelopes` every line is an
 * envelope instead, `{"payload": {...}}` with at most one of `"delay": "10m"` (as --delay takes it) or
 * `"at": "<ISO time>"` (as --at): a mode of the whole file, never a guess from a line's shape, because the schema
 * check ignores keys a record does not declare and fills fields that have defaults, so an object shaped like an
 * envelope can itself be a valid payload of some task type. Throws what makes the line bad; `checkTaskLine`
 * then checks what needs the task type.
 */
export function readTaskLine(text: string, envelopes: boolean): TaskLine {
  const json: unknown = JSON.parse(text);
  if (!envelopes) return { payload: json, enveloped: false };
  if (typeof json !== 'object' || json === null || Array.isArray(json)) {
    throw new EnvelopeInvalidError('(root)', 'with --envelopes every line is an object {"payload": …, "delay": …}');
  }
  const envelope = json as Record<string, unknown>;
  const unknown = Object.keys(envelope).find((k) => !ENVELOPE_KEYS.has(k));
  if (unknown !== undefined) throw new EnvelopeInvalidError(unknown, 'not an envelope key (payload, delay or at)');
  if (!('payload' in envelope)) throw new EnvelopeInvalidError('payload', 'missing');
  if ('delay' in envelope && 'at' in envelope) throw new EnvelopeInvalidError('at', 'give delay or at, not both');
  const delay = delayOf(envelope);
  return delay === undefined
    ? { payload: envelope.payload, enveloped: true }
    : { payload: envelope.payload, enveloped: true, delay };
}

/**
 * The payload against the task type's schema (`validate`, whose problems an envelope's line names under
 * `payload.`), and the line's own delay against its maxDelayMs as of `now`. Throws what makes the line bad.
 */
export function checkTaskLine(
  line: TaskLine,
  task: TaskDefinition,
  validate: (payload: unknown) => void,
  now: number,
): void {
  try {
    validate(line.payload);
  } catch (err) {
    if (!line.enveloped || !(err instanceof PayloadInvalidError)) throw err;
    const inside = err.problems.map((p) => ({
      path: p.path === '' ? 'payload' : `payload.${p.path}`,
      reason: p.reason,
    }));
    throw new PayloadInvalidError(err.taskType, inside);
  }
  if (line.delay === undefined) return;
  try {
    taskTime(task, line.delay, now);
  } catch (err) {
    const field = line.delay.runAt === undefined ? 'delay' : 'at';
    throw new EnvelopeInvalidError(field, err instanceof Error ? err.message : String(err));
  }
}

function delayOf(envelope: Record<string, unknown>): DelayOptions | undefined {
  if ('delay' in envelope) {
    const text = envelope.delay;
    const bad = (): never => {
      throw new EnvelopeInvalidError(
        'delay',
        `${JSON.stringify(text)} is not a duration such as "90s", "10m", "2h" or "7d"`,
      );
    };
    if (typeof text !== 'string') return bad();
    try {
      return { delayMs: duration(text) };
    } catch (err) {
      if (err instanceof InvalidArgumentError) return bad();
      throw err;
    }
  }
  if ('at' in envelope) {
    const text = envelope.at;
    if (typeof text !== 'string')
      throw new EnvelopeInvalidError('at', `${JSON.stringify(text)} is not an ISO 8601 time`);
    try {
      return { runAt: new Date(parseIsoDateTime('at', text)) };
    } catch (err) {
      if (err instanceof UsageError) throw new EnvelopeInvalidError('at', `"${text}" is not an ISO 8601 date-time`);
      throw err;
    }
  }
  return undefined;
}
