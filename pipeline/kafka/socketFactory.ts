import net from 'node:net';
import tls from 'node:tls';
import type { ISocketFactory } from 'kafkajs';

/** kafkajs's own keep-alive delay. */
const KEEP_ALIVE_MS = 60_000;

/**
 * kafkajs's socket factory, plus TCP_NODELAY. Without it Nagle's algorithm holds a small request written while
 * an earlier one on the same connection is not yet acknowledged, until that acknowledgement comes, and Linux
 * delays an acknowledgement up to 40 ms when it has no reply to ride on (a fetch waiting for data). Kafka's
 * own clients and broker set TCP_NODELAY on every socket for this reason.
 */
export const noDelaySocketFactory: ISocketFactory = ({ host, port, ssl, onConnect }) => {
  const socket = ssl
    ? tls.connect({ host, port, ...(net.isIP(host) ? {} : { servername: host }), ...ssl }, onConnect)
    : net.connect({ host, port }, onConnect);
  socket.setKeepAlive(true, KEEP_ALIVE_MS);
  socket.setNoDelay(true);
  return socket;
};
