import net from 'node:net';
import { createKafka } from '../../pipeline/kafka/KafkaConnection.js';
import { TopicAdmin } from '../../pipeline/kafka/TopicAdmin.js';
import { createLogger } from '../../pipeline/logging/logger.js';
import { StackError } from '../../pipeline/errors.js';
import { sleep } from './ManagedProcess.js';

/** Cheap readiness checks, each answering true/false and never throwing. */

export function portOpen(port: number, host = '127.0.0.1', timeoutMs = 500): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = net.connect({ port, host });
    const done = (open: boolean): void => {
      socket.destroy();
      resolve(open);
    };
    socket.setTimeout(timeoutMs, () => done(false));
    socket.once('connect', () => done(true));
    socket.once('error', () => done(false));
  });
}

export async function httpOk(url: string, timeoutMs = 2000): Promise<boolean> {
  try {
    const res = await fetch(url, { signal: AbortSignal.timeout(timeoutMs) });
    await res.arrayBuffer();
    return res.ok;
  } catch {
    return false;
  }
}

/** Redis answers PING with +PONG (raw RESP, so a probe needs no client). */
export function redisPing(port: number, host = '127.0.0.1', timeoutMs = 1000): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = net.connect({ port, host });
    let buf = '';
    const done = (ok: boolean): void => {
      socket.destroy();
      resolve(ok);
    };
    socket.setTimeout(timeoutMs, () => done(false));
    socket.once('connect', () => socket.write('PING\r\n'));
    socket.on('data', (d) => {
      buf += d.toString();
      if (buf.includes('\r\n')) done(buf.startsWith('+PONG'));
    });
    socket.once('error', () => done(false));
  });
}

/** How many brokers the cluster reports through `bootstrap`, or 0 when none answers. */
export async function kafkaBrokerCount(bootstrap: string): Promise<number> {
  const logger = createLogger({ probe: 'kafka' });
  logger.level = 'silent';
  const admin = new TopicAdmin(
    createKafka({ brokers: bootstrap.split(','), logger, connectionTimeoutMs: 1000, retries: 0 }),
    bootstrap,
  );
  try {
    return (await admin.brokerIds()).length;
  } catch {
    return 0;
  } finally {
    await admin.close().catch(() => undefined);
  }
}

export async function waitUntil(
  what: string,
  check: () => Promise<boolean>,
  timeoutMs: number,
  failed?: () => string | undefined,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (await check()) return;
    const why = failed?.();
    if (why) throw new StackError(`${what}: ${why}`);
    if (Date.now() > deadline) throw new StackError(`${what} was not ready after ${Math.round(timeoutMs / 1000)} s`);
    await sleep(250);
  }
}
