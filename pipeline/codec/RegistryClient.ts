import { SchemaRegistry } from '@kafkajs/confluent-schema-registry';
import avro from 'avsc';
import {
  AuthenticationError,
  DecodeError,
  RegistryUnavailableError,
  SchemaIncompatibleError,
  TaskstreamError,
} from '../errors.js';
import { CcompatApi, REGISTRY_AUTH_HINT, registryConnectError } from './CcompatApi.js';
import { registerSchema } from './registerSchema.js';
import { resolveRegistry, type RegistryEndpoint, type RegistryOptions } from './RegistryEndpoint.js';
import { registryRequest } from './registryHttp.js';
import { tlsFailureOf } from '../security/tlsFailure.js';

export type Compatibility =
  'BACKWARD' | 'BACKWARD_TRANSITIVE' | 'FORWARD' | 'FORWARD_TRANSITIVE' | 'FULL' | 'FULL_TRANSITIVE' | 'NONE';

/** Where the registry is and how to log in: see RegistryOptions (each field else its SCHEMA_REGISTRY_* variable). */
export type RegistryClientOptions = RegistryOptions;

type Middleware = NonNullable<ConstructorParameters<typeof SchemaRegistry>[0]['middlewares']>[number];

const WARM_UP_GRACE_MS = 120_000;

/**
 * Apicurio serves the Confluent API under /apis/ccompat/v7; the Confluent registry at the root. A bare
 * Apicurio address is accepted and completed, so users can give either.
 */
async function resolveApiBase(endpoint: RegistryEndpoint): Promise<string> {
  if (/\/apis\/ccompat\/v\d+$/.test(endpoint.url)) return endpoint.url;
  let status: number;
  try {
    ({ status } = await registryRequest(endpoint, 'GET', '/subjects', { timeoutMs: 3000 }));
  } catch (err) {
    throw registryConnectError(endpoint.url, err);
  }
  if (status === 401 || status === 403) {
    throw new AuthenticationError('schema registry', endpoint.url, `HTTP ${status}`, REGISTRY_AUTH_HINT);
  }
  return status >= 200 && status < 300 ? endpoint.url : `${endpoint.url}/apis/ccompat/v7`;
}

/** Sets the Authorization header on the registry client library's requests (basic auth or a bearer token alike). */
function authorizationHeader(value: string): Middleware {
  return () => ({
    prepareRequest: (next) => next().then((request) => request.enhance({ headers: { authorization: value } })),
  });
}

/**
 * Registry access with the caching the hot path needs: each schema id is fetched once, concurrent
 * misses share one request, and nothing calls the registry once ids are warm.
 */
export class RegistryClient {
  /** The registry's URL as given, without credentials (safe to print). */
  readonly url: string;
  private readonly endpoint: RegistryEndpoint;
  private base: Promise<string> | undefined;
  private api: Promise<SchemaRegistry> | undefined;
  private readonly types = new Map<number, Promise<avro.Type>>();
  /** When the registry last failed to answer: a restarted registry may 404 on known ids while it loads. */
  private lastUnavailableAt = -Infinity;

  constructor(options: RegistryClientOptions = {}) {
    this.endpoint = resolveRegistry(options);
    this.url = this.endpoint.url;
  }

  private apiBase(): Promise<string> {
    if (!this.base) {
      const base = resolveApiBase(this.endpoint);
      this.base = base;
      // A failed probe must not be cached: the registry may only be starting.
      base.catch(() => {
        if (this.base === base) this.base = undefined;
      });
    }
    return this.base;
  }

  private client(): Promise<SchemaRegistry> {
    this.api ??= this.apiBase().then(
      (host) =>
        new SchemaRegistry({
          host,
          retry: { retries: 1 },
          ...(this.endpoint.agent ? { agent: this.endpoint.agent } : {}),
          ...(this.endpoint.authorization ? { middlewares: [authorizationHeader(this.endpoint.authorization)] } : {}),
        }),
      (err: unknown) => {
        this.api = undefined;
        throw err;
      },
    );
    return this.api;
  }

  /**
   * Registers the schema under the subject and returns its id: a no-op when the subject already holds it, whoever
   * registered it, and safe against other processes registering the same subject at once (see registerSchema).
   * `compatibility` is set only on a subject this call creates.
   */
  async register(subject: string, schema: object, compatibility: Compatibility = 'BACKWARD'): Promise<number> {
    try {
      const api = new CcompatApi({ ...this.endpoint, url: await this.apiBase() });
      return await registerSchema(api, subject, JSON.stringify(schema), compatibility);
    } catch (err) {
      throw this.translate(err, subject);
    }
  }

  /** The id of the subject's latest version, or the registry's error (a subject not registered is a 404). */
  async latestId(subject: string): Promise<number> {
    const api = await this.client();
    try {
      return await api.getLatestSchemaId(subject);
    } catch (err) {
      throw this.translate(err, subject);
    }
  }

  /** The writer schema of an id, as an avsc Type; fetched once per id. */
  writerType(schemaId: number): Promise<avro.Type> {
    let type = this.types.get(schemaId);
    if (!type) {
      type = this.fetchType(schemaId);
      this.types.set(schemaId, type);
      // A failed fetch must not be cached: the registry may only be down for a moment.
      type.catch(() => this.types.delete(schemaId));
    }
    return type;
  }

  private async fetchType(schemaId: number): Promise<avro.Type> {
    const api = await this.client();
    try {
      const schema = await api.getSchema(schemaId);
      if (!(schema instanceof avro.Type)) throw new DecodeError(`schema id ${schemaId} is not an Avro schema`);
      return schema;
    } catch (err) {
      throw this.translate(err, `schema id ${schemaId}`);
    }
  }

  private translate(err: unknown, what: string): TaskstreamError {
    if (err instanceof RegistryUnavailableError) this.lastUnavailableAt = Date.now();
    if (err instanceof TaskstreamError) return err;
    const e = err as { status?: number; message?: string };
    const message = e.message ?? String(err);
    if (e.status === 401 || e.status === 403) {
      return new AuthenticationError(
        'schema registry',
        this.url,
        `HTTP ${e.status}: ${message}`,
        REGISTRY_AUTH_HINT,
        err,
      );
    }
    if (tlsFailureOf(err)) return registryConnectError(this.url, err);
    if (
      /ECONNREFUSED|ECONNRESET|ETIMEDOUT|EHOSTUNREACH|socket hang up|timeout/i.test(message) ||
      (e.status ?? 0) >= 500
    ) {
      this.lastUnavailableAt = Date.now();
      return new RegistryUnavailableError(this.url, err);
    }
    if (e.status === 404) {
      // Apicurio (kafkasql) answers before it has replayed its journal: right after an outage, "unknown" may
      // only mean "not loaded yet". Wait rather than dead-letter a task over it.
      if (Date.now() - this.lastUnavailableAt < WARM_UP_GRACE_MS) return new RegistryUnavailableError(this.url, err);
      return new DecodeError(`${what} is unknown to the registry (${message})`, err);
    }
    if (e.status === 409 || /compatib/i.test(message)) return new SchemaIncompatibleError(what, message, err);
    return new TaskstreamError('SCHEMA_INCOMPATIBLE', `registry refused ${what}: ${message}`, { cause: err });
  }
}
