import fs from 'node:fs';
import readline from 'node:readline';
import type { Readable } from 'node:stream';
import { OperationFailed } from './services.js';

export interface NdjsonLine {
  /** 1-based, counting blank lines, as an editor shows it. */
  readonly line: number;
  readonly text: string;
}

/**
 * The non-blank lines of an NDJSON file ('-' for stdin), trimmed, read as a stream: a file of millions of
 * tasks is never held in memory. A file that cannot be opened fails at once with its error code (readline
 * does not pass on the errors of the stream it reads).
 */
export async function* ndjsonLines(file: string): AsyncGenerator<NdjsonLine> {
  const input: Readable = file === '-' ? process.stdin : fs.createReadStream('', { fd: openForReading(file) });
  const reader = readline.createInterface({ input, crlfDelay: Infinity });
  let line = 0;
  try {
    for await (const raw of reader) {
      line++;
      const text = raw.trim();
      if (text !== '') yield { line, text };
    }
  } finally {
    reader.close();
    if (input !== process.stdin) input.destroy();
  }
}

function openForReading(file: string): number {
  try {
    return fs.openSync(file, 'r');
  } catch (err) {
    throw new OperationFailed(`cannot read ${file}: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`);
  }
}
