import fs from 'node:fs/promises';
import { handle, threadPool, type TaskDefinition } from '../../pipeline/index.js';
import type { resizeImageSchema } from '../../schemas/generated/resize-image.js';
import { resizeImage } from '../../schemas/tasks.js';
import { outputFile, outputFolder, writeAtomically } from './imageOutputs.js';
import { readSource } from './readSource.js';
import { checkedWidths } from './checkedWidths.js';
import type { resizeToWidths } from './resizeInThread.js';

export interface ResizeImageOptions {
  /** Where the sizes go: `<dir>/<name>-<hash>/<width>.<ext>` (see imageOutputs.ts). */
  readonly dir: string;
  /** Threads resizing at once (default: the cores less one, at least 1). */
  readonly threads?: number;
  /** Any task type with the resize-image schema (default the shipped one). */
  readonly task?: TaskDefinition<typeof resizeImageSchema>;
}

/**
 * Resizes one image to each requested width. Reading the source and writing the sizes happen here, on the
 * main thread, where waiting costs nothing and a failure may pass (retried); decoding and encoding, which
 * compute, happen in the pool's threads (resizeInThread.ts), where a timeout or shutdown can stop them by
 * ending their thread without leaving a half-written file behind.
 */
export function resizeImageHandler(options: ResizeImageOptions) {
  const { dir, task = resizeImage } = options;
  // From the sources the thread file is beside this one; in the built package, dist/resizeInThread.js.
  const threadFile = import.meta.url.endsWith('.ts') ? './resizeInThread.ts' : './resizeInThread.js';
  const threads = threadPool<typeof resizeToWidths>(new URL(threadFile, import.meta.url), {
    export: 'resizeToWidths',
    size: options.threads,
  });
  return handle(
    task,
    async (request, ctx, pool) => {
      const widths = checkedWidths(request.widths);
      const image = await readSource(request.imageUrl, ctx.signal);
      const result = await pool.run({ source: request.imageUrl, image, widths });
      const folder = outputFolder(dir, request.imageUrl);
      await fs.mkdir(folder, { recursive: true });
      const files = await Promise.all(
        result.images.map(async (sized) => {
          const file = outputFile(folder, sized.width, result.extension);
          await writeAtomically(file, sized.data, ctx.signal);
          return file;
        }),
      );
      ctx.log.debug({ source: request.imageUrl, files }, 'image resized');
    },
    { threads },
  );
}
