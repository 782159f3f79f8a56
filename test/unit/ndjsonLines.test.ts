import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { ndjsonLines, type NdjsonLine } from '../../ops/cli/shared/ndjsonLines.js';

async function readAll(file: string): Promise<NdjsonLine[]> {
  const out: NdjsonLine[] = [];
  for await (const line of ndjsonLines(file)) out.push(line);
  return out;
}

function fileWith(content: string): string {
  const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'ndjson-')), 'tasks.ndjson');
  fs.writeFileSync(file, content);
  return file;
}

describe('ndjsonLines', () => {
  it('yields the non-blank lines, trimmed, numbered as an editor numbers them', async () => {
    const file = fileWith('{"a":1}\n\n  {"a":2}  \r\n   \n{"a":3}');
    expect(await readAll(file)).toEqual([
      { line: 1, text: '{"a":1}' },
      { line: 3, text: '{"a":2}' },
      { line: 5, text: '{"a":3}' },
    ]);
  });

  it('reads a file larger than one stream chunk whole and in order', async () => {
    const count = 20_000;
    const file = fileWith(Array.from({ length: count }, (_, i) => JSON.stringify({ i })).join('\n'));
    const lines = await readAll(file);
    expect(lines).toHaveLength(count);
    expect(lines.every((l, i) => l.line === i + 1 && l.text === JSON.stringify({ i }))).toBe(true);
  });

  it('fails with the error code when the file cannot be opened', async () => {
    await expect(readAll('/nonexistent/tasks.ndjson')).rejects.toThrow('cannot read /nonexistent/tasks.ndjson: ENOENT');
  });
});
