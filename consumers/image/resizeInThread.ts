// Runs in the resize-image thread pool, never on the main thread: bytes in, bytes out, no I/O. Whatever fails
// here is about the bytes, so it is an ImageUndecodableError (not retriable); reading and writing files, which
// can fail for a while and then work, stay with the handler on the main thread.
import sharp from 'sharp';
import { ImageUndecodableError } from './imageErrors.js';

// One libvips worker per call (sharp's default on glibc Linux, but cores elsewhere), so the pool's size is
// the number of cores resizing may take. This is process-wide: every thread's sharp shares one libvips.
sharp.concurrency(1);
// Every task brings another image: libvips's operation cache would only hold memory.
sharp.cache(false);

/** The formats written as they came (of an animation or pages, the first); any other (SVG, HEIF…) as PNG. */
const KEPT = { jpeg: 'jpg', png: 'png', webp: 'webp', gif: 'gif', tiff: 'tiff' } as const;
type KeptFormat = keyof typeof KEPT;

export interface ResizeRequest {
  /** Names the source in error messages. */
  readonly source: string;
  readonly image: Uint8Array;
  readonly widths: readonly number[];
}

export interface ResizedImage {
  readonly width: number;
  readonly height: number;
  readonly data: Uint8Array;
}

export interface ResizeResult {
  readonly format: KeptFormat;
  /** The file extension of that format. */
  readonly extension: string;
  readonly images: readonly ResizedImage[];
}

/** The image at each width, in the order asked, height in proportion, EXIF orientation applied. */
export async function resizeToWidths(request: ResizeRequest): Promise<ResizeResult> {
  const { source, image, widths } = request;
  try {
    const { format } = await sharp(image).metadata();
    const kept: KeptFormat = format in KEPT ? (format as KeptFormat) : 'png';
    const images: ResizedImage[] = [];
    for (const width of widths) {
      const { data, info } = await sharp(image)
        .autoOrient()
        .resize({ width })
        .toFormat(kept)
        .toBuffer({ resolveWithObject: true });
      images.push({ width: info.width, height: info.height, data });
    }
    return { format: kept, extension: KEPT[kept], images };
  } catch (err) {
    throw new ImageUndecodableError(source, (err as Error).message, err);
  }
}
