import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import zlib from 'node:zlib';
import { afterEach, describe, expect, it } from 'vitest';
import { GzipMemberFile } from '../../consumers/report/GzipMemberFile.js';

const dirs: string[] = [];
afterEach(() => dirs.splice(0).forEach((d) => fs.rmSync(d, { recursive: true, force: true })));

function tempFile(): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'gzip-members-'));
  dirs.push(dir);
  return path.join(dir, 'nested', 'report.csv.gz');
}

async function appendAll(file: string, from: number, chunks: readonly string[]): Promise<number> {
  const out = await GzipMemberFile.openAt(file, from, 6);
  for (const chunk of chunks) await out.append(chunk);
  await out.sync();
  await out.close();
  return out.bytes;
}

describe('a gzip file of members', () => {
  it('reads back as the chunks in order, one member per chunk', async () => {
    const file = tempFile();
    const bytes = await appendAll(file, 0, ['id\n', '1\n2\n', '3\n']);
    expect(fs.statSync(file).size).toBe(bytes);
    expect(zlib.gunzipSync(fs.readFileSync(file)).toString()).toBe('id\n1\n2\n3\n');
  });

  it('drops what was written after a checkpoint when reopened at it, and continues from there', async () => {
    const file = tempFile();
    const checkpoint = await appendAll(file, 0, ['id\n', '1\n']);
    // A run killed after writing past its checkpoint: part of a member that no checkpoint covers.
    fs.appendFileSync(file, zlib.gzipSync('2\n').subarray(0, 9));
    await appendAll(file, checkpoint, ['2\n', '3\n']);
    expect(zlib.gunzipSync(fs.readFileSync(file)).toString()).toBe('id\n1\n2\n3\n');
  });
});
