// Guarantee: TLS and SASL settings are checked when a client is made, each mistake named with its fix and no password quoted, and reach the Kafka client in its terms.
import { describe, expect, it } from 'vitest';
import { ConfigError } from '../../pipeline/errors.js';
import { clientSecurity, type KafkaSecurity } from '../../pipeline/kafka/KafkaSecurity.js';

const PEM = '-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n';
const KEY = '-----BEGIN PRIVATE KEY-----\nMIIE\n-----END PRIVATE KEY-----\n';
const login = { mechanism: 'SCRAM-SHA-512', username: 'svc', password: 'hunter2-secret' } as const;

function refusal(security: unknown): string {
  try {
    clientSecurity(security as KafkaSecurity);
  } catch (err) {
    expect(err).toBeInstanceOf(ConfigError);
    return (err as Error).message;
  }
  throw new Error('expected a ConfigError');
}

describe('clientSecurity', () => {
  it('turns Kafka’s mechanism names into the client’s, whatever their case', () => {
    expect(clientSecurity({ sasl: login }).sasl).toEqual({ ...login, mechanism: 'scram-sha-512' });
    expect(clientSecurity({ sasl: { ...login, mechanism: 'plain' } }).sasl?.mechanism).toBe('plain');
  });

  it('passes ssl: true through (the system’s CAs) and leaves ssl: false out', () => {
    expect(clientSecurity({ ssl: true }).ssl).toBe(true);
    expect(clientSecurity({ ssl: false }).ssl).toBeUndefined();
  });

  it('passes a CA, a client certificate and its key through as PEM', () => {
    expect(clientSecurity({ ssl: { ca: PEM, cert: PEM, key: Buffer.from(KEY) } }).ssl).toEqual({
      ca: [PEM],
      cert: PEM,
      key: Buffer.from(KEY),
    });
  });

  it('flags PLAIN without TLS, whose password would cross the network in clear', () => {
    expect(clientSecurity({ sasl: { ...login, mechanism: 'PLAIN' } }).plainWithoutTls).toBe(true);
    expect(clientSecurity({ ssl: true, sasl: { ...login, mechanism: 'PLAIN' } }).plainWithoutTls).toBe(false);
  });

  it('refuses an unknown mechanism, naming the ones it knows', () => {
    expect(refusal({ sasl: { ...login, mechanism: 'GSSAPI' } })).toBe(
      'sasl.mechanism must be PLAIN, SCRAM-SHA-256 or SCRAM-SHA-512, got "GSSAPI"',
    );
  });

  it('refuses a login without a password, saying where one is given', () => {
    expect(refusal({ sasl: { ...login, password: '' } })).toBe(
      'sasl.password is missing: give the password (or set KAFKA_SASL_PASSWORD)',
    );
  });

  it('never quotes the password in a refusal', () => {
    expect(refusal({ sasl: { ...login, mechanism: 'oauth' } })).not.toContain(login.password);
    expect(refusal({ sasl: { ...login, passwd: 'x' } })).not.toContain(login.password);
  });

  it('says a file name given for the CA is a file name, and how to give its contents', () => {
    expect(refusal({ ssl: { ca: '/etc/kafka/ca.pem' } })).toBe(
      'ssl.ca must be the PEM text, not a file name ("/etc/kafka/ca.pem"): read it with fs.readFileSync, or set KAFKA_SSL_CA_FILE',
    );
  });

  it('refuses a key that is not PEM without quoting it', () => {
    const message = refusal({ ssl: { cert: PEM, key: 'MIIEvQIBADANBgkqhkiG9w0BAQEFAASC' } });
    expect(message).toBe('ssl.key is not PEM text (no "-----BEGIN" line)');
  });

  it('refuses a client certificate without its key', () => {
    expect(refusal({ ssl: { cert: PEM } })).toBe(
      'ssl: give a client certificate and its key together (cert and key), or neither',
    );
  });

  it('refuses a misspelt field rather than dropping it', () => {
    expect(refusal({ ssl: { cafile: PEM } })).toBe(
      'ssl: unknown field cafile (known: ca, cert, key, passphrase, servername)',
    );
  });
});
