import { SchemaRegistry } from '@kafkajs/confluent-schema-registry';
import avro from 'avsc';
import {
  ConfigError,
  DecodeError,
  RegistryUnavailableError,
  SchemaIncompatibleError,
  TaskstreamError,
} from '../errors.js';
import { CcompatApi } from './CcompatApi.js';
import { registerSchema } from './registerSchema.js';

export type Compatibility =
  'BACKWARD' | 'BACKWARD_TRANSITIVE' | 'FORWARD' | 'FORWARD_TRANSITIVE' | 'FULL' | 'FULL_TRANSITIVE' | 'NONE';

export interface RegistryClientOptions {
  /** Base URL of a Confluent-compatible API; default SCHEMA_REGISTRY_URL, else http://127.0.0.1:8081. */
  readonly url?: string;
}

const WARM_UP_GRACE_MS = 120_000;

export function registryUrlFromEnv(): string {
  return process.env.SCHEMA_REGISTRY_URL ?? 'http://127.0.0.1:8081';
}

/**
 * Apicurio serves the Confluent API under /apis/ccompat/v7; the Confluent registry at the root. A bare
 * Apicurio address is accepted and completed, so users can give either.
 */
async function resolveApiBase(url: string): Promise<string> {
  const trimmed = url.replace(/\/+$/, '');
  if (/\/apis\/ccompat\/v\d+$/.test(trimmed)) return trimmed;
  try {
    const res = await fetch(`${trimmed}/subjects`, { signal: AbortSignal.timeout(3000) });
    await res.arrayBuffer();
    if (res.ok) return trimmed;
  } catch (err) {
    throw new RegistryUnavailableError(url, err);
  }
  return `${trimmed}/apis/ccompat/v7`;
}

/**
 * Registry access with the caching the hot path needs: each schema id is fetched once, concurrent
 * misses share one request, and nothing calls the registry once ids are warm.
 */
export class RegistryClient {
  readonly url: string;
  private base: Promise<string> | undefined;
  private api: Promise<SchemaRegistry> | undefined;
  private readonly types = new Map<number, Promise<avro.Type>>();
  /** When the registry last failed to answer: a restarted registry may 404 on known ids while it loads. */
  private lastUnavailableAt = -Infinity;

  constructor(options: RegistryClientOptions = {}) {
    this.url = options.url ?? registryUrlFromEnv();
    if (!/^https?:\/\//.test(this.url)) {
      throw new ConfigError(`schema registry url "${this.url}" must start with http:// or https://`);
    }
  }

  private apiBase(): Promise<string> {
    if (!this.base) {
      const base = resolveApiBase(this.url);
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
      (host) => new SchemaRegistry({ host, retry: { retries: 1 } }),
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
      return await registerSchema(new CcompatApi(await this.apiBase()), subject, JSON.stringify(schema), compatibility);
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
