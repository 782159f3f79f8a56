import type { Redis } from 'ioredis';
import { epochKey } from './DedupeEpoch.js';
import type { IdList } from './IdList.js';

/** What one flush writes and asks, in this order (see DedupeBatcher). */
export interface FlushRequest {
  /** Partitions that ran to an offset: `<offset>:<topic>:<partition>` each, raising their `ran` key to it. */
  readonly ran: IdList;
  /** Task ids to mark done. */
  readonly marks: IdList;
  /** Partitions (`<topic>:<partition>`) whose `ran` offset to read. */
  readonly reads: IdList;
  /** Task ids to check. */
  readonly checks: IdList;
}

export interface FlushReply {
  /** Per checked id, in order: whether it is marked done. */
  readonly done: readonly boolean[];
  /** Per read partition, in order: its `ran` offset, -1 if none. */
  readonly ran: readonly number[];
}

/** Where done marks live, written and read many task ids at a time, in one round trip a flush. */
export interface DoneMarks {
  flush(request: FlushRequest): Promise<FlushReply>;
}

/**
 * ARGV: the group's epoch key, the mark key prefix before the epoch, the marks' TTL, the `ran` key prefix before
 * the epoch, its TTL, then the four lists of a FlushRequest, each as IdList writes it (a 4-byte length and the
 * entry, for each entry). Returns the checks' answers as a string of 0/1, then the offsets read.
 *
 * The epoch is read here, in every call, not once when the worker starts: `taskstream offsets reset` bumps it
 * while the group is empty, and a worker that read it just before (one starting up, not yet in the group) would
 * otherwise check the replayed tasks against the old marks and skip them all.
 *
 * `ran:<group>:<epoch>:<topic>:<partition>` is raised before any mark of a record of that partition without an
 * id of its own, and before a copy of such a record is handed off (a copy carries its id), so a mark of such a
 * record never exists beyond it: a worker that reads it when a partition is assigned need not ask about the
 * records after it. It lives twice as long as the marks, so that it outlives the marks of copies made later.
 * It only ever spares a check: a record it calls fresh runs, so it can repeat a task (see DedupeBatcher), never
 * skip one.
 *
 * The ids come in one argument, not as a key per argument (SETs, MGET, a script's KEYS): a string and a command
 * argument per key cost the worker several microseconds a task, most of it in garbage collection. As the keys
 * are made here, they are not declared in KEYS: fine on the single Redis node a worker uses (its locks assume
 * one too), not for a Redis Cluster.
 */
const FLUSH = `
local epoch = redis.call('GET', ARGV[1]) or '0'
local prefix, ttl = ARGV[2] .. epoch .. ':', ARGV[3]
local ranPrefix, ranTtl = ARGV[4] .. epoch .. ':', ARGV[5]
local function each(list, fn)
  local at = 1
  while at <= #list do
    local a, b, c, d = string.byte(list, at, at + 3)
    local stop = at + 3 + ((a * 256 + b) * 256 + c) * 256 + d
    fn(string.sub(list, at + 4, stop))
    at = stop + 1
  end
end
each(ARGV[6], function(entry)
  local colon = string.find(entry, ':', 1, true)
  local key = ranPrefix .. string.sub(entry, colon + 1)
  local ran = math.max(tonumber(redis.call('GET', key) or '-1'), tonumber(string.sub(entry, 1, colon - 1)))
  redis.call('SET', key, string.format('%d', ran), 'PX', ranTtl)
end)
each(ARGV[7], function(id) redis.call('SET', prefix .. id, '1', 'PX', ttl) end)
local reply = {''}
each(ARGV[8], function(name) reply[#reply + 1] = tonumber(redis.call('GET', ranPrefix .. name) or '-1') end)
local answers = {}
each(ARGV[9], function(id) answers[#answers + 1] = redis.call('EXISTS', prefix .. id) end)
reply[1] = table.concat(answers)
return reply
`;

const NONE = Buffer.alloc(0);

/**
 * "This task id has completed" marks in Redis, so a redelivered task (after a crash, a rebalance or a hand-off
 * whose source commit was lost) is acknowledged without running its handler again. Marks live for `ttlMs`,
 * which must outlast the longest retry path. Failures are thrown: DedupeBatcher decides what they mean.
 */
export class DedupeStore implements DoneMarks {
  constructor(
    private readonly redis: Redis,
    private readonly groupId: string,
    private readonly ttlMs: number,
  ) {}

  async flush(request: FlushRequest): Promise<FlushReply> {
    const { ran, marks, reads, checks } = request;
    if (ran.count + marks.count + reads.count + checks.count === 0) return { done: [], ran: [] };
    // Marks are `taskstream:done:<group>:<epoch>:<task id>`, as docs/how-it-works.md documents them; the script adds the epoch.
    const prefix = `taskstream:done:${this.groupId}:`;
    const ranPrefix = `taskstream:ran:${this.groupId}:`;
    const markCommands = marks.commands();
    const checkCommands = checks.commands();
    // One pipeline: one write, one round trip, and Redis runs its calls in order. The `ran` offsets and every
    // mark go in calls before the first check (the last marks share a call with the first checks).
    const pipeline = this.redis.pipeline();
    const calls = Math.max(1, markCommands.length) + Math.max(0, checkCommands.length - 1);
    for (let i = 0; i < calls; i++) {
      const first = i === 0;
      // EVAL, not EVALSHA: after a SCRIPT FLUSH ioredis would resend an EVALSHA as EVAL behind the calls sent
      // since, and the calls of a flush must run in order. The script's text is a few hundred bytes a call.
      pipeline.eval(
        FLUSH,
        0,
        epochKey(this.groupId),
        prefix,
        this.ttlMs,
        ranPrefix,
        2 * this.ttlMs,
        ...[
          first ? Buffer.concat(ran.commands()) : NONE,
          markCommands[i] ?? NONE,
          first ? Buffer.concat(reads.commands()) : NONE,
          checkCommands[i - Math.max(0, markCommands.length - 1)] ?? NONE,
        ],
      );
    }
    const replies = (await pipeline.exec()) ?? [];
    const done: boolean[] = [];
    const ranRead: number[] = [];
    for (const [i, [err, reply]] of replies.entries()) {
      if (err) throw err;
      const [bits, ...offsets] = reply as [string, ...number[]];
      for (let b = 0; b < bits.length; b++) done.push(bits.charCodeAt(b) === 49); // '1'
      if (i === 0) ranRead.push(...offsets);
    }
    return { done, ran: ranRead };
  }
}
