// Guarantee: a failed connection to the brokers says whether the login, TLS or the network failed, in one line naming what to check.
import { describe, expect, it } from 'vitest';
import { AuthenticationError, ServiceUnavailableError, TlsError } from '../../pipeline/errors.js';
import { kafkaConnectError } from '../../pipeline/kafka/connectError.js';

/** kafkajs names its errors; these stand-ins carry the same names and chains. */
function kafkajsError(name: string, message: string, extra: object = {}): Error {
  return Object.assign(new Error(message), { name, ...extra });
}

describe('kafkaConnectError', () => {
  it('calls a refused SASL login an AuthenticationError naming the settings to check', () => {
    const err = kafkaConnectError(
      'b1:9094',
      kafkajsError('KafkaJSSASLAuthenticationError', 'SASL SCRAM SHA512 authentication failed: invalid credentials'),
    );
    expect(err).toBeInstanceOf(AuthenticationError);
    expect(err.message).toBe(
      'Kafka at b1:9094 refused the credentials (SASL SCRAM SHA512 authentication failed: invalid credentials); check the SASL username, password and mechanism (sasl, or KAFKA_SASL_USERNAME, KAFKA_SASL_PASSWORD, KAFKA_SASL_MECHANISM)',
    );
    expect(err.retriable).toBe(false);
  });

  it('calls an untrusted certificate behind the retries a TlsError saying to give the CA', () => {
    const socket = kafkajsError(
      'KafkaJSConnectionError',
      'Connection error: self-signed certificate in certificate chain',
      {
        code: 'SELF_SIGNED_CERT_IN_CHAIN',
      },
    );
    const err = kafkaConnectError(
      'b1:9094',
      kafkajsError('KafkaJSNumberOfRetriesExceeded', socket.message, { cause: socket }),
    );
    expect(err).toBeInstanceOf(TlsError);
    expect(err.message).toBe(
      'TLS with Kafka at b1:9094 failed (self-signed certificate in certificate chain); its certificate is not signed by a CA this process trusts: give that CA (ssl.ca, or KAFKA_SSL_CA_FILE)',
    );
  });

  it('calls anything else the brokers not answering', () => {
    const err = kafkaConnectError(
      'b1:9092',
      kafkajsError('KafkaJSConnectionError', 'Connection error: connect ECONNREFUSED'),
    );
    expect(err).toBeInstanceOf(ServiceUnavailableError);
  });

  it('says the brokers answered but cannot serve yet when a protocol error is behind the retries', () => {
    const refusal = kafkajsError('KafkaJSProtocolError', 'The coordinator is not available', {
      type: 'COORDINATOR_NOT_AVAILABLE',
      retriable: true,
    });
    const err = kafkaConnectError(
      'b1:9092,b2:9092',
      kafkajsError('KafkaJSNumberOfRetriesExceeded', refusal.message, { cause: refusal }),
    );
    expect(err).toBeInstanceOf(ServiceUnavailableError);
    expect(err.retriable).toBe(true);
    expect(err.message).toBe(
      'Kafka at b1:9092,b2:9092 answered but cannot serve yet (COORDINATOR_NOT_AVAILABLE: The coordinator is not available); a failover is under way: try again',
    );
  });
});
