// Guarantee: a resize request's widths are each made once, in the order asked; none, or an impossible one,
// fails the task for good.
import { describe, expect, it } from 'vitest';
import { isRetriable } from '../../pipeline/errors.js';
import { checkedWidths, MAX_WIDTH } from '../../consumers/image/checkedWidths.js';
import { ImageRequestError } from '../../consumers/image/imageErrors.js';

describe('checkedWidths', () => {
  it('keeps the order asked and drops repeats', () => {
    expect(checkedWidths([640, 320, 640, 1280])).toEqual([640, 320, 1280]);
  });

  it('refuses no widths, for good', () => {
    expect(() => checkedWidths([])).toThrow(ImageRequestError);
    expect(isRetriable(new ImageRequestError('x'))).toBe(false);
  });

  it('refuses a width below 1 or above the largest any written format holds, naming it', () => {
    expect(() => checkedWidths([320, 0, -5])).toThrow('got 0, -5');
    expect(() => checkedWidths([MAX_WIDTH + 1])).toThrow(ImageRequestError);
    expect(checkedWidths([MAX_WIDTH])).toEqual([MAX_WIDTH]);
  });
});
