import { describe, expect, it } from 'vitest';
import { ConfigError } from '../../pipeline/errors.js';
import { defineTask, type TaskOptions } from '../../pipeline/task/defineTask.js';

const schema = {
  type: 'record',
  name: 'Ping',
  fields: [{ name: 'id', type: 'string' }],
} as const;

type Options = Partial<TaskOptions<typeof schema>>;

const define = (options: Options = {}) => defineTask({ name: 'ping', schema, ...options });

/** Asserts `options` fail with a ConfigError whose message matches `message`. */
function expectConfigError(options: Options, message: RegExp): void {
  expect(() => define(options)).toThrow(ConfigError);
  expect(() => define(options)).toThrow(message);
}

describe('defineTask defaults', () => {
  it('names the topic tasks.<name>', () => {
    expect(define().topic).toBe('tasks.ping');
  });

  it('names the registry subject <topic>-value', () => {
    expect(define().subject).toBe('tasks.ping-value');
    expect(define({ topic: 'legacy.pings' }).subject).toBe('legacy.pings-value');
  });

  it('creates 6 partitions with replication factor 1', () => {
    expect(define()).toMatchObject({ partitions: 6, replicationFactor: undefined, deadLetterRetentionMs: -1 });
  });

  it('runs 10 handlers at once with a 60 s timeout', () => {
    expect(define()).toMatchObject({ concurrency: 10, timeoutMs: 60_000 });
  });

  it('registers the schema with BACKWARD compatibility', () => {
    expect(define().compatibility).toBe('BACKWARD');
  });

  it('retries with the default policy and no rate limit', () => {
    expect(define()).toMatchObject({
      retry: { maxAttempts: 3, minDelayMs: 1000, maxDelayMs: 300_000 },
      rateLimit: undefined,
      key: undefined,
    });
  });

  it('compiles the schema into an avsc type that checks payloads', () => {
    const { avroType } = define();
    expect(avroType.isValid({ id: 'x' })).toBe(true);
    expect(avroType.isValid({ id: 1 })).toBe(false);
  });

  it('keeps the options it was given', () => {
    const rateLimit = { max: 5, perMs: 1000, maxConcurrent: 2 };
    const task = define({ partitions: 3, concurrency: 1, timeoutMs: 5, compatibility: 'FULL', rateLimit });
    expect(task).toMatchObject({ partitions: 3, concurrency: 1, timeoutMs: 5, compatibility: 'FULL', rateLimit });
  });
});

describe('defineTask validation', () => {
  it('rejects a name with characters other than letters, digits, ".", "_" and "-"', () => {
    expectConfigError({ name: 'send email' }, /task name "send email" may hold only letters, digits/);
    expectConfigError({ name: 'a/b' }, /task name "a\/b"/);
  });

  it('rejects an empty name', () => {
    expectConfigError({ name: '' }, /task name ""/);
  });

  it('rejects a topic that is not a valid Kafka topic name', () => {
    expectConfigError({ topic: 'tasks ping' }, /task "ping": topic "tasks ping" is not a valid Kafka topic name/);
  });

  // BUG: Kafka refuses the topic names "." and "..", but the name pattern lets them through.
  it('rejects the topic names "." and ".." that Kafka refuses', () => {
    expectConfigError({ topic: '.' }, /topic "\." is not a valid Kafka topic name/);
    expectConfigError({ topic: '..' }, /topic "\.\." is not a valid Kafka topic name/);
  });

  // BUG: Kafka topic names are at most 249 characters; longer ones pass construction and fail at topic creation.
  it('rejects a topic name longer than the 249 characters Kafka allows', () => {
    expectConfigError({ topic: 't'.repeat(250) }, /is not a valid Kafka topic name/);
  });

  it('rejects partitions that are not a positive integer', () => {
    expectConfigError({ partitions: 0 }, /task "ping": partitions must be a positive integer, got 0/);
    expectConfigError({ partitions: 1.5 }, /partitions must be a positive integer, got 1\.5/);
  });

  it('rejects a concurrency that is not a positive integer', () => {
    expectConfigError({ concurrency: -1 }, /task "ping": concurrency must be a positive integer, got -1/);
  });

  it('rejects a timeoutMs that is not a positive integer', () => {
    expectConfigError({ timeoutMs: 0 }, /task "ping": timeoutMs must be a positive integer, got 0/);
    expectConfigError({ timeoutMs: NaN }, /timeoutMs must be a positive integer, got NaN/);
  });

  it('rejects a replicationFactor that is not a positive integer', () => {
    expectConfigError({ replicationFactor: 0 }, /replicationFactor must be a positive integer, got 0/);
  });

  it('rejects a deadLetterRetentionMs that is neither -1 nor a positive integer', () => {
    expectConfigError(
      { deadLetterRetentionMs: 0 },
      /deadLetterRetentionMs \(or -1\) must be a positive integer, got 0/,
    );
    expect(define({ deadLetterRetentionMs: 86_400_000 }).deadLetterRetentionMs).toBe(86_400_000);
  });

  it('rejects an Avro schema that does not parse, passing on the reason', () => {
    const broken = { type: 'record', name: 'Broken', fields: [{ name: 'id', type: 'strnig' }] } as const;
    const build = () => defineTask({ name: 'broken', schema: broken });
    expect(build).toThrow(ConfigError);
    expect(build).toThrow(/task "broken": its Avro schema does not parse: .*strnig/);
  });

  it('rejects a rate limit whose max is not a positive integer', () => {
    expectConfigError({ rateLimit: { max: 0, perMs: 1000 } }, /task "ping": rateLimit\.max must be a positive integer/);
  });

  it('rejects a rate limit whose perMs is not a positive integer', () => {
    expectConfigError({ rateLimit: { max: 5, perMs: 0.5 } }, /rateLimit\.perMs must be a positive integer, got 0\.5/);
  });

  it('rejects a rate limit whose maxConcurrent is not a positive integer', () => {
    expectConfigError(
      { rateLimit: { max: 5, perMs: 1000, maxConcurrent: 0 } },
      /rateLimit\.maxConcurrent must be a positive integer, got 0/,
    );
  });

  it('rejects retry options, naming the task', () => {
    expectConfigError({ retry: { maxAttempts: 0 } }, /task "ping": retry\.maxAttempts must be an integer of 1 or more/);
  });
});

describe('defineTask lock.onBusy', () => {
  const key = (p: { id: string }): string => p.id;

  it("defaults to 'wait'", () => {
    expect(define({ lock: { key } }).lock?.onBusy).toBe('wait');
  });

  it("accepts 'reschedule'", () => {
    expect(define({ lock: { key, onBusy: 'reschedule' } }).lock?.onBusy).toBe('reschedule');
  });

  it('rejects any other value, naming the two it takes', () => {
    const onBusy = 'drop' as unknown as 'wait';
    expectConfigError(
      { lock: { key, onBusy } },
      /task "ping": lock\.onBusy must be 'wait' or 'reschedule', got "drop"/,
    );
  });

  it("rejects 'reschedule' with ordered retries, which have no retry tiers and keep key order", () => {
    expectConfigError(
      { lock: { key, onBusy: 'reschedule' }, retry: { ordered: true } },
      /task "ping": lock\.onBusy 'reschedule' .* retry\.ordered forbids; use onBusy 'wait'/,
    );
  });

  it("allows 'wait' with ordered retries", () => {
    expect(define({ lock: { key, onBusy: 'wait' }, retry: { ordered: true } }).lock?.onBusy).toBe('wait');
  });
});
