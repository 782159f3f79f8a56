// Guarantee: the shipped resize-image handler writes the source image at each requested width, under names a
// rerun writes over (never half a file, no temporary file left); a missing or undecodable source is
// dead-lettered at once with the reason, its error class kept across the thread boundary onto the wire; a
// folder that cannot be written is retried.
import fs from 'node:fs/promises';
import path from 'node:path';
import sharp from 'sharp';
import { describe, expect, it } from 'vitest';
import { TaskProducer } from '../../../pipeline/index.js';
import { DLQ_HEADER, dlqTopicOf } from '../../../pipeline/retry/handOffHeaders.js';
import { outputFolder } from '../../../consumers/image/imageOutputs.js';
import { resizeImageHandler } from '../../../consumers/image/resizeImageHandler.js';
import { filesBelow, resizeImageTask, tempDir, writeJpeg } from '../../support/images.js';
import { collectOutcomes, noOutcomes } from '../../support/outcomes.js';
import { readAll } from '../../support/readTopic.js';
import { using } from '../../support/resources.js';
import { waitFor } from '../../support/waitFor.js';
import { startWorker } from '../../support/workers.js';

type Request = { readonly imageUrl: string; readonly widths: number[] };

/**
 * Enqueues the requests to a task type of their own, then runs the shipped handler on it in a worker, with
 * two threads, writing to `dir`.
 */
async function resize(dir: string, ...requests: Request[]) {
  const task = resizeImageTask();
  const producer = await using(new TaskProducer());
  for (const request of requests) await producer.enqueue(task, request);
  const outcomes = noOutcomes();
  await startWorker({ handlers: [resizeImageHandler({ dir, threads: 2, task })] }, (w) => collectOutcomes(w, outcomes));
  return { task, ...outcomes };
}

describe('resize-image', () => {
  it('writes the image at each requested width, height in proportion, in the format it came in', async () => {
    const [sources, out] = [await tempDir(), await tempDir()];
    const source = await writeJpeg(path.join(sources, 'holiday photo.jpg'), 1200, 800);
    const worker = await resize(out, { imageUrl: source, widths: [600, 300, 100] });
    await waitFor('the image resized', () => worker.completed.length === 1);

    const files = await filesBelow(out);
    expect(files).toEqual([
      expect.stringMatching(/^holiday_photo-[0-9a-f]{12}\/100\.jpg$/),
      expect.stringMatching(/^holiday_photo-[0-9a-f]{12}\/300\.jpg$/),
      expect.stringMatching(/^holiday_photo-[0-9a-f]{12}\/600\.jpg$/),
    ]);
    const sizes = await Promise.all(files.map((f) => sharp(path.join(out, f)).metadata()));
    expect(sizes.map((m) => [m.format, m.width, m.height])).toEqual([
      ['jpeg', 100, 67],
      ['jpeg', 300, 200],
      ['jpeg', 600, 400],
    ]);
  });

  it('writes over the same files when the same image comes again, leaving no temporary file', async () => {
    const [sources, out] = [await tempDir(), await tempDir()];
    const source = await writeJpeg(path.join(sources, 'logo.jpg'), 800, 800);
    const request = { imageUrl: `file://${source}`, widths: [200, 50] };
    // What an earlier run left: the new one replaces it.
    const folder = outputFolder(out, request.imageUrl);
    await fs.mkdir(folder);
    await fs.writeFile(path.join(folder, '200.jpg'), 'stale');
    const worker = await resize(out, request, request);
    await waitFor('both tasks done', () => worker.completed.length === 2);

    expect(await filesBelow(out)).toEqual([
      expect.stringMatching(/^logo-[0-9a-f]{12}\/200\.jpg$/),
      expect.stringMatching(/^logo-[0-9a-f]{12}\/50\.jpg$/),
    ]);
    expect((await sharp(path.join(folder, '200.jpg')).metadata()).width).toBe(200);
  });

  it('dead-letters a missing source image at once, naming it', async () => {
    const [sources, out] = [await tempDir(), await tempDir()];
    const missing = path.join(sources, 'gone.jpg');
    const worker = await resize(out, { imageUrl: missing, widths: [100] });
    await waitFor('the task dead-lettered', () => worker.dead.length === 1);

    expect(worker.retrying).toEqual([]);
    expect(worker.dead.map((e) => [e.attempt, e.error])).toEqual([
      [1, expect.objectContaining({ name: 'ImageNotFoundError', code: 'UNRECOVERABLE', retriable: false })],
    ]);
    expect(worker.dead[0]?.error.message).toBe(`source image ${missing} not found: ENOENT`);
    expect(await filesBelow(out)).toEqual([]);
  });

  it("dead-letters bytes that are not an image at once, with the decoder's reason from the thread", async () => {
    const [sources, out] = [await tempDir(), await tempDir()];
    const notImage = path.join(sources, 'notes.jpg');
    await fs.writeFile(notImage, 'these are notes, not a picture');
    const worker = await resize(out, { imageUrl: notImage, widths: [100] });
    await waitFor('the task dead-lettered', () => worker.dead.length === 1);

    expect(worker.retrying).toEqual([]);
    const letters = await readAll(dlqTopicOf(worker.task.topic));
    expect(letters).toHaveLength(1);
    const headers = letters[0]?.headers ?? {};
    // Thrown in a pool thread; the class name, code and retriable flag crossed back intact.
    expect(headers).toMatchObject({
      [DLQ_HEADER.errorClass]: 'ImageUndecodableError',
      [DLQ_HEADER.errorCode]: 'UNRECOVERABLE',
      [DLQ_HEADER.retriable]: 'false',
      [DLQ_HEADER.attempts]: '1',
    });
    expect(headers[DLQ_HEADER.errorMessage]).toMatch(
      /^source image .*notes\.jpg cannot be decoded: .*unsupported image format/,
    );
    expect(headers[DLQ_HEADER.errorStack]).toContain('resizeInThread.ts');
  });

  it('retries when the images folder cannot be written', async () => {
    const [sources, parent] = [await tempDir(), await tempDir()];
    const source = await writeJpeg(path.join(sources, 'cat.jpg'), 400, 300);
    // A file where the folder should be: every write fails as a disk error would.
    const out = path.join(parent, 'images');
    await fs.writeFile(out, '');
    const worker = await resize(out, { imageUrl: source, widths: [100] });
    await waitFor('the task dead-lettered after its attempts', () => worker.dead.length === 1);

    expect(worker.retrying.map((e) => [e.attempt, (e.error as Error & { code?: string }).code])).toEqual([
      [1, 'ENOTDIR'],
    ]);
    expect(worker.dead.map((e) => [e.attempt, (e.error as Error & { code?: string }).code])).toEqual([[2, 'ENOTDIR']]);
  });
});
