import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Redis } from 'ioredis';
import type { RegistryOptions } from '../../pipeline/codec/RegistryEndpoint.js';
import { TaskstreamError } from '../../pipeline/errors.js';
import type { Logger } from '../../pipeline/logging/logger.js';
import { pauseGroup, resumeGroup } from '../../pipeline/runtime/pausedTypes.js';
import type { TaskDefinition } from '../../pipeline/task/defineTask.js';
import type { ScheduleDefinition } from '../../pipeline/schedule/index.js';
import { positionOf } from '../cli/dlq/deadLetters.js';
import { replayLetters } from '../cli/dlq/replayLetters.js';
import { DEFAULT_GROUP_PREFIX } from '../cli/shared/groups.js';
import { rangeHeadReader, TierHeadTimes } from '../cli/shared/delayedBacklog.js';
import type { KafkaAdmins } from '../cli/shared/services.js';
import { UsageError } from '../cli/UsageError.js';
import { filterOf, replayFilterOf } from './deadLetterQuery.js';
import { listLetters, showLetter } from './deadLetterViews.js';
import { OverviewCache, type OverviewCacheOptions } from './OverviewCache.js';
import { renderPage } from './renderPage.js';
import { checkAction, checkLoopbackHost, checkToken, type Verdict } from './requestGuard.js';

export interface DashboardHandlerOptions {
  readonly tasks: readonly TaskDefinition[];
  readonly admins: KafkaAdmins;
  /** The workers' `groupPrefix` (default `taskstream`). */
  readonly groupPrefix?: string;
  /** Pauses, replay markers and schedules live here; without it those parts say Redis is missing. */
  readonly redis?: Redis;
  /** How to decode a dead letter's payload (the config's `registry`; {} reads the environment). */
  readonly registry?: RegistryOptions;
  /** Schedules to show, and the scheduler group whose state to read (needs `redis`). */
  readonly schedules?: { readonly schedules: readonly ScheduleDefinition[]; readonly group: string };
  /** When set, actions and dead-letter reads need `Authorization: Bearer <token>`. */
  readonly token?: string;
  readonly cache?: OverviewCacheOptions;
  /** The path the handler is mounted under (`/ops`), stripped from each request's path before routing. */
  readonly basePath?: string;
  readonly log: Logger;
}

/** A Node request listener (mount it in any HTTP server, under any path) that also stops its sampling. */
export interface DashboardHandler {
  (req: IncomingMessage, res: ServerResponse): void;
  close(): void;
}

class HttpFailure extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

/**
 * The dashboard as a request listener. The page's requests are relative, so it can be mounted under a prefix
 * (one a framework strips, as Express's `app.use('/ops', handler)` does, or `basePath`). GETs read; every
 * action is a POST guarded by requestGuard.
 */
export function createDashboardHandler(options: DashboardHandlerOptions): DashboardHandler {
  const { tasks, admins, redis, log } = options;
  const groupPrefix = options.groupPrefix ?? DEFAULT_GROUP_PREFIX;
  const cache = new OverviewCache(
    {
      tasks,
      admins,
      groupPrefix,
      redis,
      schedules: options.schedules && redis && { ...options.schedules, redis },
      delayHeads: new TierHeadTimes(rangeHeadReader(admins.kafka, admins.address)),
    },
    log,
    options.cache,
  );
  const taskOf = (name: string): TaskDefinition => {
    const task = tasks.find((t) => t.name === decodeURIComponent(name));
    if (!task) throw new HttpFailure(404, `no task type "${decodeURIComponent(name)}" in this dashboard's config`);
    return task;
  };
  const needRedis = (): Redis => {
    if (!redis) throw new HttpFailure(503, 'this dashboard was started without Redis');
    return redis;
  };
  const guard = (verdict: Verdict): void => {
    if (!verdict.ok) throw new HttpFailure(verdict.status, verdict.reason);
  };

  async function route(req: IncomingMessage, url: URL): Promise<{ status: number; type: string; body: string }> {
    const path = url.pathname.replace(/\/+$/, '') || '/';
    const parts = path.split('/').filter(Boolean);
    const method = req.method ?? 'GET';
    if (options.token === undefined) guard(checkLoopbackHost(req));
    if (method === 'GET' && path === '/') return { status: 200, type: 'text/html; charset=utf-8', body: renderPage() };
    if (method === 'GET' && path === '/api/overview') return json(200, await cache.get());
    // /api/types/<type>/…
    if (parts[0] !== 'api' || parts[1] !== 'types' || parts[2] === undefined) {
      throw new HttpFailure(404, 'not found: try / or /api/overview');
    }
    const task = taskOf(parts[2]);
    const rest = parts.slice(3).join('/');
    if (method === 'GET') {
      guard(checkToken(req, options.token));
      if (rest === 'dead-letters') {
        const q = Object.fromEntries(url.searchParams);
        const limit = Math.min(1000, Math.max(1, Number(q.limit ?? 200) || 200));
        return json(200, await listLetters(admins, redis, task, filterOf(q), limit));
      }
      const at = /^dead-letters\/(\d+)\/(\d+)$/.exec(rest);
      if (at) {
        const letter = await showLetter(admins, options.registry ?? {}, task, Number(at[1]), BigInt(at[2] as string));
        return json(200, letter);
      }
    }
    if (method === 'POST') {
      guard(checkAction(req, options.token));
      const group = `${groupPrefix}.${task.name}`;
      if (rest === 'pause' || rest === 'resume') {
        if (rest === 'pause') await pauseGroup(needRedis(), group, 'dashboard');
        else await resumeGroup(needRedis(), group);
        cache.invalidate();
        log.info({ type: task.name, action: rest }, `dashboard: task type ${rest}d`);
        return json(200, { type: task.name, paused: rest === 'pause' });
      }
      if (rest === 'dead-letters/replay') {
        const filter = replayFilterOf(await readJson(req));
        const outcome = await replayLetters(admins, needRedis(), task, filter, {
          execute: true,
          includeReplayed: false,
        });
        cache.invalidate();
        log.info({ type: task.name, copied: outcome.copy.length }, 'dashboard: dead letters replayed');
        return json(200, {
          copied: outcome.copy.length,
          alreadyReplayed: outcome.chosen.length - outcome.copy.length,
          positions: outcome.copy.map(positionOf),
        });
      }
    }
    throw new HttpFailure(method === 'GET' || method === 'POST' ? 404 : 405, `no ${method} ${path}`);
  }

  const handler = ((req: IncomingMessage, res: ServerResponse) => {
    const url = new URL(req.url ?? '/', 'http://dashboard');
    const base = options.basePath?.replace(/\/+$/, '');
    if (base && (url.pathname === base || url.pathname.startsWith(`${base}/`))) {
      url.pathname = url.pathname.slice(base.length) || '/';
    }
    route(req, url).then(
      ({ status, type, body }) => send(res, status, type, body),
      (err: unknown) => {
        const { status, message } = failureOf(err);
        if (status >= 500) log.error({ err, url: req.url }, 'dashboard request failed');
        send(res, status, 'application/json', JSON.stringify({ error: message }));
      },
    );
  }) as DashboardHandler;
  handler.close = () => cache.close();
  return handler;
}

function failureOf(err: unknown): { status: number; message: string } {
  if (err instanceof HttpFailure) return { status: err.status, message: err.message };
  if (err instanceof UsageError) return { status: 400, message: err.message };
  // Ours, with one line for the user: a DLQ that does not exist, a replay already running, a service away.
  if (err instanceof TaskstreamError) {
    return { status: err.code === 'LOCK_BUSY' ? 409 : err.retriable ? 503 : 409, message: err.message };
  }
  return { status: 500, message: err instanceof Error ? err.message : String(err) };
}

function send(res: ServerResponse, status: number, type: string, body: string): void {
  res.writeHead(status, {
    'content-type': type,
    'cache-control': 'no-store',
    // The page is not to be framed by another site (clickjacking of its buttons).
    'x-frame-options': 'DENY',
    'content-security-policy':
      "default-src 'self'; script-src 'unsafe-inline'; style-src 'unsafe-inline'; frame-ancestors 'none'",
  });
  res.end(body);
}

function json(status: number, body: unknown): { status: number; type: string; body: string } {
  return { status, type: 'application/json', body: JSON.stringify(body) };
}

async function readJson(req: IncomingMessage): Promise<unknown> {
  if (!/^application\/json\b/.test(req.headers['content-type'] ?? '')) {
    throw new HttpFailure(415, 'send the action as application/json');
  }
  let size = 0;
  const chunks: Buffer[] = [];
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    if (size > 1_000_000) throw new HttpFailure(413, 'request body over 1 MB');
    chunks.push(chunk as Buffer);
  }
  try {
    return chunks.length === 0 ? {} : (JSON.parse(Buffer.concat(chunks).toString('utf8')) as unknown);
  } catch {
    throw new UsageError('the request body is not JSON');
  }
}
