import type { ConnectionOptions } from 'node:tls';
import type { SASLOptions } from 'kafkajs';
import { ConfigError } from '../errors.js';
import { checkPem, type Pem } from '../security/pem.js';

/** The SASL mechanisms taskstream supports, as Kafka names them (lower case is accepted too). */
export type SaslMechanism = 'PLAIN' | 'SCRAM-SHA-256' | 'SCRAM-SHA-512';

export interface KafkaSasl {
  /** PLAIN sends the password as it is: use it over TLS only (Confluent Cloud's API keys are PLAIN over TLS). */
  readonly mechanism: SaslMechanism | Lowercase<SaslMechanism>;
  readonly username: string;
  readonly password: string;
}

export interface KafkaTls {
  /** The CA certificate(s) to trust instead of the system's, as PEM text (a private or self-signed CA). */
  readonly ca?: Pem | readonly Pem[];
  /** A client certificate and its key (PEM), for brokers that authenticate clients by certificate (mTLS). */
  readonly cert?: Pem;
  readonly key?: Pem;
  /** The key's passphrase, when the key is encrypted. */
  readonly passphrase?: string;
  /** The name the broker's certificate must carry, when it differs from the host dialled. */
  readonly servername?: string;
}

/**
 * How to reach secured brokers, accepted by Worker, TaskProducer, Scheduler and the CLI's config `kafka` section.
 * Each field left out is taken from the environment (KAFKA_SSL*, KAFKA_SASL*); `ssl: false` turns TLS off even
 * when the environment asks for it.
 */
export interface KafkaSecurity {
  /** TLS to the brokers: `true` trusts the system's CAs; an object gives the CA or a client certificate. */
  readonly ssl?: boolean | KafkaTls;
  /** A SASL login (over TLS when `ssl` is set: Kafka's SASL_SSL). */
  readonly sasl?: KafkaSasl;
}

type PasswordMechanism = 'plain' | 'scram-sha-256' | 'scram-sha-512';
type PasswordSasl = Extract<SASLOptions, { mechanism: PasswordMechanism }>;

/** What the kafkajs client is given. */
export interface ClientSecurity {
  readonly ssl?: true | ConnectionOptions;
  readonly sasl?: PasswordSasl;
  /** True when a PLAIN password would cross the network unencrypted (worth a warning, not a refusal). */
  readonly plainWithoutTls: boolean;
}

const MECHANISMS: ReadonlyMap<string, PasswordMechanism> = new Map([
  ['plain', 'plain'],
  ['scram-sha-256', 'scram-sha-256'],
  ['scram-sha-512', 'scram-sha-512'],
] as const);
const TLS_FIELDS = new Set(['ca', 'cert', 'key', 'passphrase', 'servername']);
const SASL_FIELDS = new Set(['mechanism', 'username', 'password']);

/**
 * Checks the settings (a ConfigError names the field and the fix; a password is never quoted) and turns them into
 * the client's terms.
 */
export function clientSecurity(security: KafkaSecurity): ClientSecurity {
  const ssl = clientTls(security.ssl);
  const sasl = security.sasl === undefined ? undefined : clientSasl(security.sasl);
  return { ssl, sasl, plainWithoutTls: sasl?.mechanism === 'plain' && ssl === undefined };
}

function clientTls(ssl: KafkaSecurity['ssl']): ClientSecurity['ssl'] {
  if (ssl === undefined || ssl === false) return undefined;
  if (ssl === true) return true;
  if (typeof ssl !== 'object' || ssl === null || Array.isArray(ssl)) {
    // Not quoted: a string here may be a key pasted in the wrong place.
    throw new ConfigError(
      `ssl must be true, false or { ca, cert, key }, got ${Array.isArray(ssl) ? 'an array' : typeof ssl}`,
    );
  }
  unknownFields('ssl', ssl, TLS_FIELDS);
  const cas = ssl.ca === undefined ? [] : Array.isArray(ssl.ca) ? ssl.ca : [ssl.ca];
  cas.forEach((ca: unknown, i) => checkPem(cas.length > 1 ? `ssl.ca[${i}]` : 'ssl.ca', ca, 'KAFKA_SSL_CA_FILE'));
  if (ssl.cert !== undefined) checkPem('ssl.cert', ssl.cert, 'KAFKA_SSL_CERT_FILE');
  if (ssl.key !== undefined) checkPem('ssl.key', ssl.key, 'KAFKA_SSL_KEY_FILE');
  if ((ssl.cert === undefined) !== (ssl.key === undefined)) {
    throw new ConfigError('ssl: give a client certificate and its key together (cert and key), or neither');
  }
  const options: ConnectionOptions = {
    ...(cas.length > 0 ? { ca: cas as Pem[] } : {}),
    ...(ssl.cert === undefined ? {} : { cert: ssl.cert, key: ssl.key }),
    ...(ssl.passphrase === undefined ? {} : { passphrase: ssl.passphrase }),
    ...(ssl.servername === undefined ? {} : { servername: ssl.servername }),
  };
  return options;
}

/** Whether `name` is a mechanism taskstream supports, in either case. */
export function isSaslMechanism(name: string): name is KafkaSasl['mechanism'] {
  return MECHANISMS.has(name.toLowerCase());
}

function clientSasl(sasl: KafkaSasl): PasswordSasl {
  if (typeof sasl !== 'object' || sasl === null) {
    throw new ConfigError('sasl must be { mechanism, username, password }');
  }
  unknownFields('sasl', sasl, SASL_FIELDS);
  const mechanism = typeof sasl.mechanism === 'string' ? MECHANISMS.get(sasl.mechanism.toLowerCase()) : undefined;
  if (!mechanism) {
    throw new ConfigError(
      `sasl.mechanism must be PLAIN, SCRAM-SHA-256 or SCRAM-SHA-512, got ${JSON.stringify(sasl.mechanism)}`,
    );
  }
  if (typeof sasl.username !== 'string' || sasl.username === '') {
    throw new ConfigError('sasl.username is missing: give the user to log in as (or set KAFKA_SASL_USERNAME)');
  }
  if (typeof sasl.password !== 'string' || sasl.password === '') {
    throw new ConfigError('sasl.password is missing: give the password (or set KAFKA_SASL_PASSWORD)');
  }
  return { mechanism, username: sasl.username, password: sasl.password } as PasswordSasl;
}

/** A misspelt field would otherwise be dropped in silence and the connection fail for a reason hard to see. */
function unknownFields(where: string, value: object, known: ReadonlySet<string>): void {
  const extra = Object.keys(value).filter((k) => !known.has(k));
  if (extra.length > 0) {
    throw new ConfigError(`${where}: unknown field ${extra.join(', ')} (known: ${[...known].join(', ')})`);
  }
}
