import { createHash, randomUUID } from 'node:crypto';
import fs from 'node:fs/promises';
import path from 'node:path';

/**
 * Where the sizes of one source image go: `<dir>/<name>-<hash>/`, the name from the source's last path
 * segment (for people), the hash of the whole imageUrl (so two sources named alike never share a folder).
 * The same source always gets the same folder, so a retry, a redelivery or the same image enqueued again
 * writes over its earlier sizes instead of adding copies.
 */
export function outputFolder(dir: string, imageUrl: string): string {
  const last = imageUrl.split(/[/\\]/).filter(Boolean).pop() ?? '';
  const name =
    last
      .replace(/[?#].*$/, '')
      .replace(/\.[^.]*$/, '')
      .replace(/[^A-Za-z0-9_-]+/g, '_')
      .slice(0, 60) || 'image';
  const hash = createHash('sha256').update(imageUrl).digest('hex').slice(0, 12);
  return path.join(dir, `${name}-${hash}`);
}

/** `320.jpg`: one file per width. */
export function outputFile(folder: string, width: number, extension: string): string {
  return path.join(folder, `${width}.${extension}`);
}

/**
 * Writes under a name of this attempt's own, then renames over `file`: a reader sees the old file or the new
 * one, never half of one, and two attempts writing the same file at once never mix their bytes. The rename
 * is atomic within one file system, which the temporary name (beside `file`) guarantees.
 */
export async function writeAtomically(file: string, data: Uint8Array, signal: AbortSignal): Promise<void> {
  const tmp = `${file}.${randomUUID().slice(0, 8)}.tmp`;
  try {
    await fs.writeFile(tmp, data, { signal });
    await fs.rename(tmp, file);
  } catch (err) {
    await fs.rm(tmp, { force: true });
    throw err;
  }
}
