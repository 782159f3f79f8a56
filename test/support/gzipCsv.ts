import { createHash } from 'node:crypto';
import fs from 'node:fs';
import readline from 'node:readline';
import zlib from 'node:zlib';

export interface CsvSummary {
  readonly header: string | undefined;
  /** Data lines (after the header). */
  readonly rows: number;
  /** md5 of the data lines, each with its newline. */
  readonly md5: string;
  /** Data lines whose first field is not larger than the line before's: repeats and disorder. */
  readonly outOfOrder: number;
}

/** Reads a gzip CSV (every member) as a stream, so a million-row report is summed without being held. */
export async function summariseGzipCsv(file: string): Promise<CsvSummary> {
  const lines = readline.createInterface({
    input: fs.createReadStream(file).pipe(zlib.createGunzip()),
    crlfDelay: Infinity,
  });
  const md5 = createHash('md5');
  let header: string | undefined;
  let rows = 0;
  let outOfOrder = 0;
  let previous = -Infinity;
  for await (const line of lines) {
    if (header === undefined) {
      header = line;
      continue;
    }
    md5.update(`${line}\n`);
    rows++;
    const id = Number(line.slice(0, line.indexOf(',')));
    if (!(id > previous)) outOfOrder++;
    previous = id;
  }
  return { header, rows, md5: md5.digest('hex'), outOfOrder };
}
