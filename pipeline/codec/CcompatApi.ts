import { AuthenticationError, RegistryUnavailableError, TlsError, type TaskstreamError } from '../errors.js';
import { tlsFailureOf, tlsHint } from '../security/tlsFailure.js';
import type { RegistryEndpoint } from './RegistryEndpoint.js';
import { registryRequest } from './registryHttp.js';

/** What a Confluent-compatible registry answered, refusals included: the caller decides what a status means. */
export interface RegistryAnswer {
  readonly status: number;
  readonly body: unknown;
  /**
   * Confluent's `error_code`: 40401 subject not found, 40403 schema not found, 40408 subject has no level of its
   * own, 409 incompatible schema, 42201 invalid schema. Apicurio uses the same codes, and 0 for its own conflicts.
   */
  readonly errorCode: number | undefined;
  readonly message: string;
}

export const SUBJECT_NOT_FOUND = 40401;
export const SCHEMA_NOT_FOUND = 40403;
export const INCOMPATIBLE_SCHEMA = 409;

const REQUEST_TIMEOUT_MS = 10_000;

export const REGISTRY_AUTH_HINT =
  'check registryAuth, the user:password in the registry URL, or SCHEMA_REGISTRY_USERNAME/PASSWORD or SCHEMA_REGISTRY_TOKEN';

/**
 * Plain HTTP to the Confluent-compatible API, for the calls whose refusals taskstream must tell apart (the
 * registry client library turns every refusal into one error type and retries only its own way).
 */
export class CcompatApi {
  /** `endpoint.url` is the API's base (with /apis/ccompat/v7 for Apicurio). */
  constructor(private readonly endpoint: RegistryEndpoint) {}

  get base(): string {
    return this.endpoint.url;
  }

  /**
   * Resolves with any HTTP answer but a refusal of our credentials (AuthenticationError); rejects with
   * RegistryUnavailableError when no answer came, or TlsError when TLS failed.
   */
  async call(method: 'GET' | 'POST' | 'PUT', path: string, body?: object): Promise<RegistryAnswer> {
    let status: number;
    let text: string;
    try {
      ({ status, text } = await registryRequest(this.endpoint, method, path, {
        body: body === undefined ? undefined : JSON.stringify(body),
        timeoutMs: REQUEST_TIMEOUT_MS,
      }));
    } catch (err) {
      throw registryConnectError(this.base, err);
    }
    const parsed = parseJson(text);
    const fields = typeof parsed === 'object' && parsed !== null ? (parsed as Record<string, unknown>) : {};
    const message = typeof fields.message === 'string' ? fields.message : text.slice(0, 300) || `HTTP ${status}`;
    if (status === 401 || status === 403) {
      throw new AuthenticationError('schema registry', this.base, `HTTP ${status}: ${message}`, REGISTRY_AUTH_HINT);
    }
    return {
      status,
      body: parsed,
      errorCode: typeof fields.error_code === 'number' ? fields.error_code : undefined,
      message,
    };
  }
}

/** No answer came: TLS refused (TlsError, with what to change) or nobody answered (RegistryUnavailableError). */
export function registryConnectError(url: string, err: unknown): TaskstreamError {
  const tls = tlsFailureOf(err);
  if (tls)
    return new TlsError(
      'schema registry',
      url,
      tls.reason,
      tlsHint(tls.problem, 'registryCa, or SCHEMA_REGISTRY_CA_FILE'),
      err,
    );
  return new RegistryUnavailableError(url, err);
}

/** A 409 is either the subject's compatibility rule refusing the schema, or a concurrent change winning a race. */
export function isIncompatible(answer: RegistryAnswer): boolean {
  return (
    answer.status === 409 &&
    (answer.errorCode === INCOMPATIBLE_SCHEMA || /incompatib|RuleViolation/i.test(answer.message))
  );
}

/** Answers that asking again can change: the registry was busy or failing, or a concurrent change collided. */
export function isTransient(answer: RegistryAnswer): boolean {
  const { status } = answer;
  return status >= 500 || status === 408 || status === 429 || (status === 409 && !isIncompatible(answer));
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return text;
  }
}
