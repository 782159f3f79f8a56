import pg from 'pg';
import Cursor from 'pg-cursor';
import type { Logger } from '../../pipeline/index.js';
import { classifyPostgresFailure } from './postgresFailure.js';
import type { PostgresTarget } from './postgresFromEnv.js';

/** A row as PostgreSQL writes it in text: the CSV gets the database's own text, nothing parsed and re-printed. */
export type TextRow = (string | null)[];

// Every column as the server's text (no Date objects losing microseconds and time zones, no float re-printing),
// which is also the cheapest: nothing is parsed.
const AS_TEXT = { getTypeParser: () => (text: string) => text } as unknown as pg.CustomTypesConfig;

/**
 * The reports' PostgreSQL: a pool, with every failure turned into the report's errors (retriable when the
 * database is away, not when it refused the query), so the handler's code never classifies errors itself.
 */
export class ReportDatabase {
  private readonly pool: pg.Pool;
  readonly address: string;

  constructor(target: PostgresTarget, log: Logger) {
    this.address = target.address;
    this.pool = new pg.Pool(target.config);
    // An idle connection dropped by the server (a restart) must not crash the worker: the next use reconnects.
    const warn = (err: Error): void => log.warn({ err, database: this.address }, 'report database connection lost');
    this.pool.on('error', warn);
    this.pool.on('connect', (client) => client.on('error', warn));
  }

  /** A connection of its own for one report run (`report` names it in errors). */
  async connect(report: string): Promise<ReportConnection> {
    try {
      return new ReportConnection(await this.pool.connect(), report, this.address);
    } catch (err) {
      throw classifyPostgresFailure(err, report, this.address);
    }
  }

  async close(): Promise<void> {
    await this.pool.end();
  }
}

export class ReportConnection {
  private broken = false;

  constructor(
    private readonly client: pg.PoolClient,
    private readonly report: string,
    private readonly address: string,
  ) {}

  async query<R extends pg.QueryResultRow>(text: string, values: readonly unknown[] = []): Promise<R[]> {
    return (await this.call(() => this.client.query<R>(text, [...values]))).rows;
  }

  /** A server-side cursor: the rows come `n` at a time as asked, so a report of any size holds one chunk. */
  cursor(text: string, values: readonly unknown[]): ReportCursor {
    const cursor = this.client.query(new Cursor<TextRow>(text, [...values], { rowMode: 'array', types: AS_TEXT }));
    return {
      read: (n) => this.call(() => cursor.read(n)),
      close: () => this.call(() => cursor.close()),
    };
  }

  /**
   * Back to the pool; a connection that failed, or that a run left mid-way (`discard`: an open transaction or
   * cursor), is closed instead, so nobody gets its state.
   */
  release(discard = false): void {
    this.client.release(this.broken || discard);
  }

  private async call<T>(fn: () => Promise<T>): Promise<T> {
    try {
      return await fn();
    } catch (err) {
      this.broken = true;
      throw classifyPostgresFailure(err, this.report, this.address);
    }
  }
}

export interface ReportCursor {
  read(n: number): Promise<TextRow[]>;
  close(): Promise<void>;
}
