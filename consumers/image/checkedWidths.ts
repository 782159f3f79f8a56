import { ImageRequestError } from './imageErrors.js';

/** WebP's limit, the smallest of the formats written. */
export const MAX_WIDTH = 16_383;

/** Each width once, in the order asked; none, or one that no format can hold, fails the task for good. */
export function checkedWidths(widths: readonly number[]): number[] {
  if (widths.length === 0) throw new ImageRequestError('widths is empty: no size to make');
  const bad = widths.filter((w) => !Number.isInteger(w) || w < 1 || w > MAX_WIDTH);
  if (bad.length > 0)
    throw new ImageRequestError(`widths must be from 1 to ${MAX_WIDTH} pixels; got ${bad.join(', ')}`);
  return [...new Set(widths)];
}
