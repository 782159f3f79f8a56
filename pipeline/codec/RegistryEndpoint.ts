import https from 'node:https';
import { ConfigError } from '../errors.js';
import { readVariableFile } from '../security/envFile.js';
import { maskUrl } from '../security/maskUrl.js';
import { checkPem, type Pem } from '../security/pem.js';

/** Basic auth (Confluent Cloud's API key and secret, a proxy's user) or a bearer token. */
export type RegistryAuth = { readonly username: string; readonly password: string } | { readonly token: string };

/** How to reach the schema registry; each field left out comes from the environment (SCHEMA_REGISTRY_*). */
export interface RegistryOptions {
  /**
   * Base URL of a Confluent-compatible API (a bare Apicurio address is completed with /apis/ccompat/v7); default
   * SCHEMA_REGISTRY_URL, else http://127.0.0.1:8081. `https://user:password@host` is read as basic auth.
   */
  readonly url?: string;
  /** Wins over credentials in the URL and over SCHEMA_REGISTRY_USERNAME/PASSWORD and SCHEMA_REGISTRY_TOKEN. */
  readonly auth?: RegistryAuth;
  /** The CA certificate(s) to trust for an https registry, as PEM text; default SCHEMA_REGISTRY_CA_FILE's. */
  readonly ca?: Pem | readonly Pem[];
}

/** The registry fields of Worker, TaskProducer and Scheduler options: RegistryOptions under registry* names. */
export interface RegistryAccess {
  /** See RegistryOptions.url. */
  readonly registryUrl?: string;
  /** Basic auth or a bearer token; see RegistryOptions.auth. */
  readonly registryAuth?: RegistryAuth;
  /** The CA certificate(s) of an https registry (PEM); see RegistryOptions.ca. */
  readonly registryCa?: RegistryOptions['ca'];
}

export function registryOptionsOf(access: RegistryAccess): RegistryOptions {
  return { url: access.registryUrl, auth: access.registryAuth, ca: access.registryCa };
}

/** A resolved registry address: the URL without credentials (safe to print) and what each request carries. */
export interface RegistryEndpoint {
  readonly url: string;
  /** The Authorization header's value, if any. */
  readonly authorization?: string;
  /** For an https registry with a CA of its own. */
  readonly agent?: https.Agent;
}

/**
 * Checks the options (ConfigError naming the fix, never a password) and takes the credentials out of the URL:
 * Node's fetch refuses a URL with credentials and quotes it, password and all, in its error.
 */
export function resolveRegistry(options: RegistryOptions = {}, env: NodeJS.ProcessEnv = process.env): RegistryEndpoint {
  const raw = options.url ?? env.SCHEMA_REGISTRY_URL ?? 'http://127.0.0.1:8081';
  let parsed: URL;
  try {
    parsed = new URL(raw);
  } catch {
    throw new ConfigError(`schema registry url "${maskUrl(raw)}" is not a URL`);
  }
  if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') {
    throw new ConfigError(`schema registry url "${maskUrl(raw)}" must start with http:// or https://`);
  }
  const fromUrl: RegistryAuth | undefined =
    parsed.username || parsed.password
      ? { username: decodeURIComponent(parsed.username), password: decodeURIComponent(parsed.password) }
      : undefined;
  parsed.username = '';
  parsed.password = '';
  const url = parsed.href.replace(/\/+$/, '');
  const auth = options.auth ?? fromUrl ?? authFromEnv(env);
  const cas = caOf(options.ca, env);
  if (cas && parsed.protocol !== 'https:') {
    throw new ConfigError(`a registry CA is given but the registry url ${url} is not https://`);
  }
  return {
    url,
    ...(auth === undefined ? {} : { authorization: authorizationOf(auth) }),
    ...(cas === undefined ? {} : { agent: new https.Agent({ ca: cas, keepAlive: true }) }),
  };
}

function authFromEnv(env: NodeJS.ProcessEnv): RegistryAuth | undefined {
  const { SCHEMA_REGISTRY_USERNAME: username, SCHEMA_REGISTRY_PASSWORD: password, SCHEMA_REGISTRY_TOKEN: token } = env;
  if (token && (username || password)) {
    throw new ConfigError('set SCHEMA_REGISTRY_TOKEN or SCHEMA_REGISTRY_USERNAME/PASSWORD, not both');
  }
  if (token) return { token };
  if (!username && !password) return undefined;
  if (!username || !password) {
    throw new ConfigError('basic auth needs both SCHEMA_REGISTRY_USERNAME and SCHEMA_REGISTRY_PASSWORD');
  }
  return { username, password };
}

function authorizationOf(auth: RegistryAuth): string {
  if (typeof auth !== 'object' || auth === null) {
    throw new ConfigError('registry auth must be { username, password } or { token }');
  }
  if ('token' in auth) {
    if (typeof auth.token !== 'string' || auth.token === '') throw new ConfigError('registry auth token is empty');
    return `Bearer ${auth.token}`;
  }
  if (typeof auth.username !== 'string' || auth.username === '' || typeof auth.password !== 'string') {
    throw new ConfigError('registry auth needs a username and a password');
  }
  return `Basic ${Buffer.from(`${auth.username}:${auth.password}`).toString('base64')}`;
}

function caOf(ca: RegistryOptions['ca'], env: NodeJS.ProcessEnv): Pem[] | undefined {
  const given = ca ?? (env.SCHEMA_REGISTRY_CA_FILE ? readVariableFile('SCHEMA_REGISTRY_CA_FILE', env) : undefined);
  if (given === undefined) return undefined;
  const list: Pem[] = Array.isArray(given) ? [...(given as readonly Pem[])] : [given as Pem];
  list.forEach((pem, i) =>
    checkPem(list.length > 1 ? `registry ca[${i}]` : 'registry ca', pem, 'SCHEMA_REGISTRY_CA_FILE'),
  );
  return list;
}
