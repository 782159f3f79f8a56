/**
 * The lane a key's tasks run in, one at a time: a 31-bit FNV-1a hash of the key's bytes.
 *
 * Key order needs only that equal keys share a lane. Comparing lanes instead of key strings spares a string
 * per task (decoding a key to text cost more than the rest of key order together), and a small integer is the
 * cheapest Map and Set key there is. Two different keys may share a lane, about once in 2^31 pairs; they then
 * keep order between them, as keys sharing a partition do, and nothing else changes. The hash is not the
 * partitioner's murmur2, whose values within one partition are not spread over the whole range.
 */
export function orderLane(key: Uint8Array): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < key.length; i++) h = Math.imul(h ^ (key[i] as number), 0x01000193);
  // Non-negative and below 2^31, so V8 keeps it a small integer.
  return h >>> 1;
}
