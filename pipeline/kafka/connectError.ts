import { AuthenticationError, ServiceUnavailableError, TaskstreamError, TlsError } from '../errors.js';
import { findAlongCauses } from '../errors/causes.js';
import { tlsFailureOf, tlsHint } from '../security/tlsFailure.js';

/**
 * Why connecting to the brokers failed, as an error the user can act on: the login refused, TLS refused, or
 * nobody answering. Each is one line naming the address and what to check; kafkajs's own error is the cause.
 */
export function kafkaConnectError(address: string, err: unknown): TaskstreamError {
  if (err instanceof TaskstreamError) return err;
  const refusal = saslRefusalOf(err);
  if (refusal !== undefined) {
    return new AuthenticationError(
      'Kafka',
      address,
      refusal,
      'check the SASL username, password and mechanism (sasl, or KAFKA_SASL_USERNAME, KAFKA_SASL_PASSWORD, KAFKA_SASL_MECHANISM)',
      err,
    );
  }
  const tls = tlsFailureOf(err);
  if (tls) return new TlsError('Kafka', address, tls.reason, tlsHint(tls.problem, 'ssl.ca, or KAFKA_SSL_CA_FILE'), err);
  // Connecting an idempotent producer asks a broker for a producer id: during a failover the brokers answer, with
  // "no coordinator yet". Saying they do not answer would send an operator to look for a dead process.
  const notReady = protocolRefusalOf(err);
  return new ServiceUnavailableError('Kafka', address, err, notReady);
}

/** The type and message of a broker's protocol error (it answered, and refused for now), found along causes. */
function protocolRefusalOf(err: unknown): string | undefined {
  return findAlongCauses(err, ({ name, type, message }) => {
    if (name !== 'KafkaJSProtocolError' || typeof type !== 'string') return undefined;
    return typeof message === 'string' ? `${type}: ${message}` : type;
  });
}

/** kafkajs's message for a refused SASL login (it names the mechanism, never the password), found along causes. */
function saslRefusalOf(err: unknown): string | undefined {
  return findAlongCauses(err, ({ name, message }) => {
    if (name !== 'KafkaJSSASLAuthenticationError') return undefined;
    return typeof message === 'string' ? message : 'SASL login refused';
  });
}
