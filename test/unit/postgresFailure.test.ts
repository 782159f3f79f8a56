import pg from 'pg';
import { describe, expect, it } from 'vitest';
import { classifyPostgresFailure } from '../../consumers/report/postgresFailure.js';
import { postgresFromEnv } from '../../consumers/report/postgresFromEnv.js';

/** An error as the server sends it, with its SQLSTATE. */
function serverError(code: string, message: string): pg.DatabaseError {
  return Object.assign(new pg.DatabaseError(message, 0, 'error'), { code });
}

describe('what a PostgreSQL failure means for a report', () => {
  it.each([
    ['a refused connection', Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:5432'), { code: 'ECONNREFUSED' })],
    [
      'a broken pipe (a Node code that looks like a SQLSTATE)',
      Object.assign(new Error('write EPIPE'), { code: 'EPIPE' }),
    ],
    ['a connection dropped mid-query', new Error('Connection terminated unexpectedly')],
    ['a server shutting down (57P01)', serverError('57P01', 'terminating connection due to administrator command')],
    ['a server still starting (57P03)', serverError('57P03', 'the database system is starting up')],
    ['too many connections (53300)', serverError('53300', 'sorry, too many clients already')],
    ['a serialization failure (40001)', serverError('40001', 'could not serialize access')],
  ])('%s: the database is away, retriable', (_, err) => {
    expect(classifyPostgresFailure(err, 'r', 'db:5432/x')).toMatchObject({
      code: 'REPORT_DB_UNAVAILABLE',
      retriable: true,
    });
  });

  it.each([
    ['a missing table (42P01)', serverError('42P01', 'relation "orders" does not exist')],
    ['a missing column (42703)', serverError('42703', 'column "total" does not exist')],
    ['no privilege (42501)', serverError('42501', 'permission denied for table orders')],
  ])('%s: the query is refused, not retriable', (_, err) => {
    expect(classifyPostgresFailure(err, 'r', 'db:5432/x')).toMatchObject({
      code: 'REPORT_QUERY_REFUSED',
      retriable: false,
    });
  });

  it("names the report, the address and the server's reason", () => {
    expect(
      classifyPostgresFailure(
        serverError('42P01', 'relation "orders" does not exist'),
        'customer-orders',
        'db:5432/shop',
      ).message,
    ).toBe(
      'PostgreSQL at db:5432/shop refused the query of report "customer-orders": relation "orders" does not exist (SQLSTATE 42P01)',
    );
  });
});

describe('where the reports database is', () => {
  it('is the local stack PostgreSQL when nothing is set', () => {
    expect(postgresFromEnv({})).toMatchObject({
      address: '127.0.0.1:5432/postgres',
      config: { connectionString: 'postgres://postgres@127.0.0.1:5432/postgres' },
    });
  });

  it('is DATABASE_URL when set, named without its password', () => {
    const target = postgresFromEnv({ DATABASE_URL: 'postgres://app:secret@db.internal:6432/shop' });
    expect(target.address).toBe('db.internal:6432/shop');
    expect(target.config.connectionString).toBe('postgres://app:secret@db.internal:6432/shop');
  });

  it('leaves the PG* variables to the driver when they are set', () => {
    const target = postgresFromEnv({ PGHOST: 'db.internal', PGDATABASE: 'shop' });
    expect(target.address).toBe('db.internal:5432/shop');
    expect(target.config.connectionString).toBeUndefined();
  });
});
