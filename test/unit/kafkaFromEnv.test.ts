// Guarantee: KAFKA_SSL* and KAFKA_SASL* configure a client when its options leave TLS or SASL out, and a half-set environment fails at construction naming what is missing.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { ConfigError } from '../../pipeline/errors.js';
import { resolveKafka } from '../../pipeline/kafka/kafkaFromEnv.js';

const PEM = '-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n';
const SASL_ENV = { KAFKA_SASL_MECHANISM: 'SCRAM-SHA-256', KAFKA_SASL_USERNAME: 'svc', KAFKA_SASL_PASSWORD: 'p4ss' };

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'taskstream-ca-'));
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

function caFile(): string {
  const file = path.join(dir, 'ca.pem');
  fs.writeFileSync(file, PEM);
  return file;
}

describe('resolveKafka', () => {
  it('reads brokers, a CA file and a SASL login from the environment', () => {
    const target = resolveKafka({}, { KAFKA_BROKERS: 'b1:9094, b2:9094', KAFKA_SSL_CA_FILE: caFile(), ...SASL_ENV });
    expect(target.brokers).toEqual(['b1:9094', 'b2:9094']);
    expect(target.security.ssl).toEqual({ ca: Buffer.from(PEM) });
    expect(target.security.sasl).toEqual({ mechanism: 'SCRAM-SHA-256', username: 'svc', password: 'p4ss' });
  });

  it('takes KAFKA_SSL=true as TLS with the system’s CAs', () => {
    expect(resolveKafka({}, { KAFKA_SSL: 'true' }).security).toEqual({ ssl: true });
  });

  it('is plaintext without any of the variables', () => {
    expect(resolveKafka({}, {}).security).toEqual({});
  });

  it('lets each option win over its variables, and ssl: false turn TLS off', () => {
    const sasl = { mechanism: 'PLAIN', username: 'other', password: 'x' } as const;
    const target = resolveKafka({ ssl: false, sasl }, { KAFKA_SSL: 'true', ...SASL_ENV });
    expect(target.security).toEqual({ ssl: false, sasl });
  });

  it('fails naming the variables a half-given SASL login lacks', () => {
    expect(() => resolveKafka({}, { KAFKA_SASL_USERNAME: 'svc' })).toThrow(
      new ConfigError(
        'KAFKA_SASL_MECHANISM and KAFKA_SASL_PASSWORD not set: a SASL login needs all of KAFKA_SASL_MECHANISM, KAFKA_SASL_USERNAME, KAFKA_SASL_PASSWORD',
      ),
    );
  });

  it('fails naming the variable whose file cannot be read', () => {
    expect(() => resolveKafka({}, { KAFKA_SSL_CA_FILE: '/no/such/ca.pem' })).toThrow(
      'KAFKA_SSL_CA_FILE: cannot read /no/such/ca.pem (ENOENT)',
    );
  });

  it('fails on KAFKA_SSL=false beside a certificate file, which contradict each other', () => {
    expect(() => resolveKafka({}, { KAFKA_SSL: 'false', KAFKA_SSL_CA_FILE: caFile() })).toThrow(
      'KAFKA_SSL is false but KAFKA_SSL_CA_FILE is set: unset one',
    );
  });

  it('fails on a KAFKA_SSL that is neither true nor false', () => {
    expect(() => resolveKafka({}, { KAFKA_SSL: 'yes' })).toThrow('KAFKA_SSL must be true or false, got "yes"');
  });
});
