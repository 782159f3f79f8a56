import { Writable } from 'node:stream';
import { pino, type Logger } from 'pino';

/** A logger at debug level whose lines (JSON text) are appended to `lines`, for assertions on what was logged. */
export function capturingLogger(lines: string[]): Logger {
  const sink = new Writable({
    write(chunk: Buffer, _encoding, done) {
      lines.push(...chunk.toString().trim().split('\n'));
      done();
    },
  });
  return pino({ level: 'debug' }, sink);
}
