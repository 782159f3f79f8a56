// Guarantee: the sizes of one source always go to the same folder, and only it; a write replaces a file whole
// and leaves no temporary file.
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { outputFile, outputFolder, writeAtomically } from '../../consumers/image/imageOutputs.js';

describe('outputFolder', () => {
  it('is the same for the same source and names it after its last segment', () => {
    const a = outputFolder('/srv/images', 'https://cdn.example.com/photos/Holiday Photo.JPG?v=2');
    expect(a).toBe(outputFolder('/srv/images', 'https://cdn.example.com/photos/Holiday Photo.JPG?v=2'));
    expect(a).toMatch(/^\/srv\/images\/Holiday_Photo-[0-9a-f]{12}$/);
  });

  it('differs for two sources with the same file name', () => {
    expect(outputFolder('/out', '/a/cat.jpg')).not.toBe(outputFolder('/out', '/b/cat.jpg'));
  });

  it('falls back to "image" when the source names nothing usable', () => {
    expect(outputFolder('/out', 'https://example.com/')).toMatch(/\/example-[0-9a-f]{12}$/);
    expect(outputFolder('/out', '/.jpg')).toMatch(/\/image-[0-9a-f]{12}$/);
  });
});

describe('writeAtomically', () => {
  it('replaces the file whole and leaves no temporary file', async () => {
    const dir = await fs.mkdtemp(path.join(os.tmpdir(), 'write-atomically-'));
    try {
      const file = outputFile(dir, 320, 'jpg');
      await fs.writeFile(file, 'old');
      await writeAtomically(file, Buffer.from('new'), new AbortController().signal);
      expect(await fs.readFile(file, 'utf8')).toBe('new');
      expect(await fs.readdir(dir)).toEqual(['320.jpg']);
    } finally {
      await fs.rm(dir, { recursive: true, force: true });
    }
  });

  it('leaves neither the file nor a temporary one when the write is aborted', async () => {
    const dir = await fs.mkdtemp(path.join(os.tmpdir(), 'write-atomically-'));
    try {
      const file = outputFile(dir, 320, 'jpg');
      await expect(writeAtomically(file, Buffer.from('new'), AbortSignal.abort())).rejects.toThrow();
      expect(await fs.readdir(dir)).toEqual([]);
    } finally {
      await fs.rm(dir, { recursive: true, force: true });
    }
  });
});
