import net from 'node:net';
import { createKafka } from '../../pipeline/kafka/KafkaConnection.js';
import { TopicAdmin } from '../../pipeline/kafka/TopicAdmin.js';
import { createLogger } from '../../pipeline/logging/logger.js';
import { StackError } from '../../pipeline/errors.js';
import { sleep } from './ManagedProcess.js';

/** Cheap readiness checks, each answering true/false and never throwing. */

export function portOpen(port: number, host = '127.0.0.1', timeoutMs = 500): Promise<boolean> {
  return socketProbe(port, host, timeoutMs);
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
  return socketProbe(port, host, timeoutMs, {
    hello: 'PING\r\n',
    judge: (answer) => (answer.includes('\r\n') ? answer.toString().startsWith('+PONG') : undefined),
  });
}

/**
 * PostgreSQL answers an SSLRequest with one byte, 'S' or 'N', before any authentication: a probe that needs
 * neither a client nor credentials, and that a port held by something else does not pass.
 */
export function postgresAnswers(port: number, host = '127.0.0.1', timeoutMs = 1000): Promise<boolean> {
  return socketProbe(port, host, timeoutMs, {
    hello: Buffer.from([0, 0, 0, 8, 0x04, 0xd2, 0x16, 0x2f]),
    judge: (answer) => answer.length === 1 && (answer[0] === 0x53 || answer[0] === 0x4e),
  });
}

/**
 * Connects and, with a `hello`, sends it and lets `judge` read the answer so far (undefined: wait for more).
 * Without one, connecting is the answer. An error, a timeout or a closed connection is false.
 */
function socketProbe(
  port: number,
  host: string,
  timeoutMs: number,
  talk?: { hello: string | Buffer; judge: (answer: Buffer) => boolean | undefined },
): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = net.connect({ port, host });
    let answer = Buffer.alloc(0);
    const done = (ok: boolean): void => {
      socket.destroy();
      resolve(ok);
    };
    socket.setTimeout(timeoutMs, () => done(false));
    socket.once('connect', () => (talk ? socket.write(talk.hello) : done(true)));
    socket.on('data', (d: Buffer) => {
      answer = Buffer.concat([answer, d]);
      const verdict = talk?.judge(answer);
      if (verdict !== undefined) done(verdict);
    });
    socket.once('close', () => done(false));
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
