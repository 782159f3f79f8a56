import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import sharp from 'sharp';
import { defineTask } from '../../pipeline/index.js';
import { resizeImageSchema } from '../../schemas/generated/resize-image.js';
import { onCleanup, uniqueName } from './resources.js';

/** The shipped resize-image task type under a name of its own (no two tests share topics), retrying quickly. */
export function resizeImageTask() {
  return defineTask({
    name: uniqueName('resize-image'),
    schema: resizeImageSchema,
    partitions: 1,
    concurrency: 8,
    retry: { maxAttempts: 2, minDelayMs: 200, maxDelayMs: 200 },
  });
}

/** A fresh folder, removed after the test. */
export async function tempDir(prefix = 'taskstream-images-'): Promise<string> {
  const dir = await fs.mkdtemp(path.join(os.tmpdir(), prefix));
  onCleanup(() => fs.rm(dir, { recursive: true, force: true }));
  return dir;
}

/** A plain-coloured JPEG of this size, made now: no image file is kept in the repository. */
export async function writeJpeg(file: string, width: number, height: number): Promise<string> {
  await sharp({ create: { width, height, channels: 3, background: { r: 200, g: 80, b: 40 } } })
    .jpeg()
    .toFile(file);
  return file;
}

/**
 * A large JPEG that takes a while to decode and resize: noise, scaled up so making it stays quick. Each of its
 * resizes keeps a pool thread busy for a few hundred milliseconds on a machine like CI's.
 */
export async function writeBusyJpeg(file: string, width = 4000, height = 3000): Promise<string> {
  const noise = await sharp({
    create: {
      width: Math.ceil(width / 10),
      height: Math.ceil(height / 10),
      channels: 3,
      background: 'black',
      noise: { type: 'gaussian', mean: 128, sigma: 60 },
    },
  })
    .png()
    .toBuffer();
  await sharp(noise).resize({ width, height }).jpeg({ quality: 90 }).toFile(file);
  return file;
}

/** Every file below `dir`, as paths relative to it, sorted. */
export async function filesBelow(dir: string): Promise<string[]> {
  const entries = await fs.readdir(dir, { recursive: true, withFileTypes: true });
  return entries
    .filter((e) => e.isFile())
    .map((e) => path.relative(dir, path.join(e.parentPath, e.name)))
    .sort();
}
