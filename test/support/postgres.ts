import pg from 'pg';
import { CHECKPOINT_TABLE } from '../../consumers/report/ReportCheckpoints.js';
import { onCleanup, uniqueName } from './resources.js';
import { services } from './services.js';

/** A connection to the test run's PostgreSQL, closed after the test. */
export async function postgresClient(): Promise<pg.Client> {
  const client = new pg.Client({ connectionString: services().databaseUrl });
  await client.connect();
  onCleanup(() => client.end());
  return client;
}

/**
 * A table of its own `(id bigint primary key, note text)` with `rows` rows (note = md5 of the id), made in SQL,
 * dropped after the test with the checkpoints of the reports named after it. Unlogged: nothing to recover.
 */
export async function rowsTable(client: pg.Client, rows: number): Promise<string> {
  const table = uniqueName('report_rows').replace('-', '_');
  onCleanup(async () => {
    await client.query(`DROP TABLE IF EXISTS ${table}`);
    await client
      .query(`DELETE FROM ${CHECKPOINT_TABLE} WHERE report_key LIKE $1`, [`${table}/%`])
      .catch(() => undefined);
  });
  await client.query(`CREATE UNLOGGED TABLE ${table} (id bigint NOT NULL, note text NOT NULL)`);
  await client.query(`INSERT INTO ${table} SELECT i, md5(i::text) FROM generate_series(1, $1::int) AS i`, [rows]);
  // The key comes after the rows: building its index once is faster than keeping it up row by row.
  await client.query(`ALTER TABLE ${table} ADD PRIMARY KEY (id)`);
  return table;
}

/** The table's rows as the report writes them (`id,note` lines in id order): count and md5 of the lines. */
export async function expectedCsv(client: pg.Client, table: string): Promise<{ rows: number; md5: string }> {
  const r = await client.query<{ rows: string; md5: string }>(
    `SELECT count(*) AS rows, md5(string_agg(id || ',' || note || E'\\n', '' ORDER BY id)) AS md5 FROM ${table}`,
  );
  const row = r.rows[0];
  if (row === undefined) throw new Error(`no answer counting ${table}`);
  return { rows: Number(row.rows), md5: row.md5 };
}
