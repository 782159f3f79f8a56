import { RegistryUnavailableError } from '../errors.js';

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

/**
 * Plain HTTP to the Confluent-compatible API, for the calls whose refusals taskstream must tell apart (the
 * registry client library turns every refusal into one error type and retries only its own way).
 */
export class CcompatApi {
  constructor(readonly base: string) {}

  /** Resolves with any HTTP answer; rejects (RegistryUnavailableError) only when none came. */
  async call(method: 'GET' | 'POST' | 'PUT', path: string, body?: object): Promise<RegistryAnswer> {
    let status: number;
    let text: string;
    try {
      const res = await fetch(`${this.base}${path}`, {
        method,
        headers: { accept: 'application/json', 'content-type': 'application/vnd.schemaregistry.v1+json' },
        body: body === undefined ? undefined : JSON.stringify(body),
        signal: AbortSignal.timeout(REQUEST_TIMEOUT_MS),
      });
      status = res.status;
      text = await res.text();
    } catch (err) {
      throw new RegistryUnavailableError(this.base, err);
    }
    const parsed = parseJson(text);
    const fields = typeof parsed === 'object' && parsed !== null ? (parsed as Record<string, unknown>) : {};
    return {
      status,
      body: parsed,
      errorCode: typeof fields.error_code === 'number' ? fields.error_code : undefined,
      message: typeof fields.message === 'string' ? fields.message : text.slice(0, 300) || `HTTP ${status}`,
    };
  }
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
