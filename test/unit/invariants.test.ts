import { describe, expect, it } from 'vitest';
import { duplicateIds, keysOutOfOrder, missingIds } from '../support/invariants.js';

describe('delivery invariants used by the fault tests', () => {
  it('missingIds names produced ids that never completed', () => {
    expect(missingIds(['a', 'b', 'c'], ['c', 'a'])).toEqual(['b']);
    expect(missingIds(['a'], ['a', 'a'])).toEqual([]);
  });

  it('duplicateIds names ids completed more than once', () => {
    expect(duplicateIds(['a', 'b', 'a', 'c', 'a'])).toEqual(['a']);
    expect(duplicateIds(['a', 'b'])).toEqual([]);
  });

  it('keysOutOfOrder flags a key whose first completions go backwards, ignoring repeats', () => {
    const c = (key: string, seq: number) => ({ key, seq, id: `${key}/${seq}` });
    expect(keysOutOfOrder([c('k', 0), c('j', 5), c('k', 1), c('k', 0)])).toEqual([]);
    expect(keysOutOfOrder([c('k', 1), c('k', 0)])).toEqual(['k']);
  });
});
