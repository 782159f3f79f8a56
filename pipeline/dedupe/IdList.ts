/** Ids per command: a command keeps Redis from serving anyone else while it runs (a millisecond or two). */
export const IDS_PER_COMMAND = 1000;

/**
 * Task ids as the dedupe script reads them: each as a 4-byte length and its UTF-8 bytes, in one buffer per
 * command of IDS_PER_COMMAND ids. An id made of a prefix and an offset (`<topic>-<partition>-<offset>`, for a
 * record without an id of its own) is written byte by byte and never exists as a string.
 *
 * Why bytes: with a string per id, a key string per id and a command argument per key, building and writing
 * the commands cost the worker more than the rest of dedupe together (measured), most of it as garbage.
 */
export class IdList {
  private readonly done: Buffer[] = [];
  private bytes = Buffer.allocUnsafe(8192);
  private end = 0;
  count = 0;

  /** An id of its own (any string). */
  add(id: string): void {
    this.next(4 + 3 * id.length); // UTF-8 takes at most 3 bytes per UTF-16 unit
    const length = this.bytes.write(id, this.end + 4);
    this.close(length);
  }

  /** `prefix` (ASCII, as bytes) followed by `offset`: a record's id by position. */
  addPosition(prefix: Buffer, offset: string): void {
    this.next(4 + prefix.length + offset.length);
    const bytes = this.bytes;
    let at = this.end + 4;
    // Byte by byte: for a few dozen bytes this is cheaper than a native copy or encode.
    for (let i = 0; i < prefix.length; i++) bytes[at++] = prefix[i] as number;
    for (let i = 0; i < offset.length; i++) bytes[at++] = offset.charCodeAt(i);
    this.close(prefix.length + offset.length);
  }

  /** The ids of each command. */
  commands(): Buffer[] {
    return this.end > 0 ? [...this.done, this.bytes.subarray(0, this.end)] : [...this.done];
  }

  /** The ids as strings (for tests and fakes). */
  toArray(): string[] {
    const ids: string[] = [];
    for (const command of this.commands()) {
      for (let at = 0; at < command.length;) {
        const length = command.readUInt32BE(at);
        ids.push(command.toString('utf8', at + 4, at + 4 + length));
        at += 4 + length;
      }
    }
    return ids;
  }

  /** Room for an id of up to `bytes` bytes, in a new command's buffer every IDS_PER_COMMAND ids. */
  private next(bytes: number): void {
    if (this.count > 0 && this.count % IDS_PER_COMMAND === 0) {
      this.done.push(this.bytes.subarray(0, this.end));
      this.bytes = Buffer.allocUnsafe(Math.max(8192, bytes));
      this.end = 0;
    } else if (this.end + bytes > this.bytes.length) {
      const grown = Buffer.allocUnsafe(Math.max(this.bytes.length * 2, this.end + bytes));
      this.bytes.copy(grown, 0, 0, this.end);
      this.bytes = grown;
    }
  }

  private close(length: number): void {
    this.bytes.writeUInt32BE(length, this.end);
    this.end += 4 + length;
    this.count++;
  }
}
