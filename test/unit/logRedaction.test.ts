// Guarantee: taskstream's loggers never write a secret: credential fields are redacted by name, and URL passwords inside errors are masked.
import { Writable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { ServiceUnavailableError } from '../../pipeline/errors.js';
import { createLogger } from '../../pipeline/logging/logger.js';

function capture(): { lines: string[]; log: ReturnType<typeof createLogger> } {
  const lines: string[] = [];
  const sink = new Writable({
    write(chunk: Buffer, _encoding, done) {
      lines.push(chunk.toString());
      done();
    },
  });
  return { lines, log: createLogger({}, sink) };
}

describe('createLogger', () => {
  it('redacts a SASL password, a token and an authorization header wherever they are logged', () => {
    const { lines, log } = capture();
    log.info({
      sasl: { mechanism: 'scram-sha-512', username: 'svc', password: 'kafka-secret' },
      registry: { token: 'bearer-secret' },
      headers: { authorization: 'Basic c3ZjOnNlY3JldA==' },
    });
    const line = lines.join('');
    for (const secret of ['kafka-secret', 'bearer-secret', 'c3ZjOnNlY3JldA==']) expect(line).not.toContain(secret);
    expect(JSON.parse(line)).toMatchObject({ sasl: { username: 'svc', password: '***' } });
  });

  it('masks the password of a URL in an error’s message, stack and cause', () => {
    const { lines, log } = capture();
    const cause = new TypeError(
      'Request cannot be constructed from a URL that includes credentials: http://u:url-secret@h/x',
    );
    log.error({ err: new ServiceUnavailableError('Redis', 'redis://:redis-secret@cache:6379', cause) }, 'failed');
    const line = lines.join('');
    expect(line).not.toContain('url-secret');
    expect(line).not.toContain('redis-secret');
    expect(line).toContain('redis://:***@cache:6379');
  });
});
