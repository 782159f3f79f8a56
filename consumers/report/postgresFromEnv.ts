import pg from 'pg';

/** Where the reports' database is: DATABASE_URL, else libpq's PGHOST/PGPORT/PGUSER/PGDATABASE/PGPASSWORD. */
export const DEFAULT_DATABASE_URL = 'postgres://postgres@127.0.0.1:5432/postgres';

export interface PostgresTarget {
  readonly config: pg.PoolConfig;
  /** host:port/database, never with credentials: for logs and error messages. */
  readonly address: string;
}

/**
 * The pool settings from the environment. Without DATABASE_URL or any PG* variable it is the local stack's
 * PostgreSQL (127.0.0.1:5432, database and user postgres), as `taskstream stack up` and docker-compose.yml
 * have it.
 */
export function postgresFromEnv(env: NodeJS.ProcessEnv = process.env, maxConnections = 10): PostgresTarget {
  const url = env.DATABASE_URL || (anyPgVariable(env) ? undefined : DEFAULT_DATABASE_URL);
  // Connecting fails fast (a retriable error) rather than holding the task while PostgreSQL is away.
  const common = { max: maxConnections, connectionTimeoutMillis: 10_000, application_name: 'taskstream-report' };
  if (url !== undefined) return { config: { ...common, connectionString: url }, address: addressOfUrl(url) };
  const host = env.PGHOST || 'localhost';
  const port = env.PGPORT || '5432';
  const database = env.PGDATABASE || env.PGUSER || 'postgres';
  // pg reads the PG* variables itself; only the address is worked out here.
  return { config: common, address: `${host}:${port}/${database}` };
}

function anyPgVariable(env: NodeJS.ProcessEnv): boolean {
  return ['PGHOST', 'PGPORT', 'PGUSER', 'PGDATABASE', 'PGPASSWORD'].some((k) => Boolean(env[k]));
}

function addressOfUrl(url: string): string {
  try {
    const u = new URL(url);
    return `${u.hostname}:${u.port || '5432'}${u.pathname === '/' ? '' : u.pathname}`;
  } catch {
    return '(DATABASE_URL, unparsable)';
  }
}
