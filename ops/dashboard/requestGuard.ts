import { createHash, timingSafeEqual } from 'node:crypto';

/** The environment variable holding the dashboard's token (needed when it listens beyond loopback). */
export const TOKEN_ENV = 'TASKSTREAM_DASHBOARD_TOKEN';

/** What an action (a POST) must carry; the page sends it, a cross-site form cannot. */
export const ACTION_HEADER = 'x-taskstream-action';

export interface GuardedRequest {
  /** Lower-case header names, as Node gives them. */
  readonly headers: Readonly<Record<string, string | string[] | undefined>>;
}

export type Verdict =
  { readonly ok: true } | { readonly ok: false; readonly status: 401 | 403; readonly reason: string };

export function isLoopback(host: string): boolean {
  return host === 'localhost' || host === '::1' || host === '[::1]' || /^127\.\d+\.\d+\.\d+$/.test(host);
}

/**
 * An action must come from the page itself: a custom header (which a cross-site form or a simple request
 * cannot set without a CORS preflight, which this server never grants) and, when the browser sends one, an
 * Origin whose host is the one the request was sent to. With a token configured, it must also carry
 * `Authorization: Bearer <token>`.
 */
export function checkAction(req: GuardedRequest, token: string | undefined): Verdict {
  if (req.headers[ACTION_HEADER] !== '1') {
    return { ok: false, status: 403, reason: `actions need the header ${ACTION_HEADER}: 1 (sent by the page)` };
  }
  const origin = header(req, 'origin');
  if (origin !== undefined && origin !== 'null') {
    let originHost: string;
    try {
      originHost = new URL(origin).host;
    } catch {
      return { ok: false, status: 403, reason: `bad Origin ${origin}` };
    }
    if (originHost !== header(req, 'host')) {
      return { ok: false, status: 403, reason: `cross-site request from ${origin} refused` };
    }
  } else if (origin === 'null') {
    return { ok: false, status: 403, reason: 'request from an opaque origin refused' };
  }
  return checkToken(req, token);
}

/**
 * Without a token the dashboard is for this machine only: the Host must name loopback. Otherwise a site whose
 * name an attacker points at 127.0.0.1 (DNS rebinding) would be same-origin with the page and read or act.
 */
export function checkLoopbackHost(req: GuardedRequest): Verdict {
  const host = header(req, 'host') ?? '';
  const name = host.startsWith('[') ? host.slice(0, host.indexOf(']') + 1) : host.replace(/:\d+$/, '');
  if (isLoopback(name)) return { ok: true };
  return {
    ok: false,
    status: 403,
    reason: `Host ${host} is not this machine: beyond loopback the dashboard needs ${TOKEN_ENV}`,
  };
}

/** With a token configured, the request must carry it (a GET of data: dead letters and their payloads). */
export function checkToken(req: GuardedRequest, token: string | undefined): Verdict {
  if (token === undefined) return { ok: true };
  const given = /^Bearer (.+)$/.exec(header(req, 'authorization') ?? '')?.[1];
  if (given !== undefined && sameSecret(given, token)) return { ok: true };
  return { ok: false, status: 401, reason: `give the dashboard token (${TOKEN_ENV}) as Authorization: Bearer` };
}

function sameSecret(a: string, b: string): boolean {
  // Hashing first makes the lengths equal, which timingSafeEqual requires.
  const digest = (s: string): Buffer => createHash('sha256').update(s).digest();
  return timingSafeEqual(digest(a), digest(b));
}

function header(req: GuardedRequest, name: string): string | undefined {
  const v = req.headers[name];
  return Array.isArray(v) ? v[0] : v;
}
