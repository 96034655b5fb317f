// Starting a Hono app on a port and closing its server without hanging on open connections.
import { Server as HttpServer } from 'node:http';
import { serve, type ServerType } from '@hono/node-server';
import type { Hono } from 'hono';
import type { Logger } from '../logger.js';

/** Starts `app` on `port`; resolves once listening, rejects with a clear message if the port is taken. */
export function listen(app: Hono, port: number, host: string, log: Logger): Promise<ServerType> {
  return new Promise((resolve, reject) => {
    const server = serve({ fetch: app.fetch, port, hostname: host }, () => {
      log.info({ port, host }, 'http listening');
      resolve(server);
    });
    server.once('error', (err: NodeJS.ErrnoException) => {
      reject(
        err.code === 'EADDRINUSE'
          ? new Error(`port ${port} on ${host} is already in use: stop the other process or set a different port`)
          : err,
      );
    });
  });
}

/**
 * Stops accepting connections and resolves when the open ones are gone: idle keep-alive sockets are
 * closed at once, and whatever is still open after `graceMs` (long-lived streams, a client that
 * keeps sending on a kept-alive socket) is closed forcibly, so shutdown never hangs.
 */
export function closeServer(server: ServerType, graceMs = 3000): Promise<void> {
  return new Promise((resolve) => {
    server.close(() => resolve());
    if (server instanceof HttpServer) {
      server.closeIdleConnections();
      setTimeout(() => server.closeAllConnections(), graceMs).unref();
    }
  });
}
