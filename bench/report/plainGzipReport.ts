import fs from 'node:fs';
import { once } from 'node:events';
import { finished } from 'node:stream/promises';
import zlib from 'node:zlib';
import { csvLine } from '../../consumers/report/csv.js';
import type { ReportDatabase } from '../../consumers/report/ReportDatabase.js';

/**
 * The report without checkpoints, the reference for what they cost: the same cursor and CSV, one gzip stream
 * into one file, no fsync, nothing saved, so a kill means starting over. Returns the rows written.
 */
export async function plainGzipReport(
  db: ReportDatabase,
  table: string,
  file: string,
  chunkRows: number,
): Promise<number> {
  const conn = await db.connect('plain');
  const gzip = zlib.createGzip({ level: 6 });
  const done = finished(gzip.pipe(fs.createWriteStream(file)));
  let rows = 0;
  try {
    await conn.query('BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY');
    await conn.query(`SELECT count(*) FROM "${table}"`);
    const cursor = conn.cursor(`SELECT "id", "note" FROM "${table}" ORDER BY "id"`, []);
    gzip.write(csvLine(['id', 'note']));
    for (;;) {
      const chunk = await cursor.read(chunkRows);
      if (chunk.length === 0) break;
      let text = '';
      for (const row of chunk) text += csvLine(row);
      rows += chunk.length;
      if (!gzip.write(text)) await once(gzip, 'drain');
    }
    await cursor.close();
    await conn.query('COMMIT');
    gzip.end();
    await done;
  } finally {
    conn.release(true);
  }
  return rows;
}
