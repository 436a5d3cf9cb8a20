/** Serving the app over HTTP with WebSocket upgrades, for main.ts and for tests that need a socket. */
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { serve, type ServerType } from '@hono/node-server';
import { WebSocketServer } from 'ws';

export interface RunningServer {
  server: ServerType;
  port: number;
  /**
   * Graceful stop: no new connections, live sockets closed with 1001 (clients reconnect
   * elsewhere and resume), in-flight requests allowed to finish within `graceMs`, then the rest cut.
   */
  close(graceMs?: number): Promise<void>;
}

export function listen(fetch: (request: Request, env: never) => Response | Promise<Response>, options: { port: number; hostname: string }): Promise<RunningServer> {
  const sockets = new WebSocketServer({ noServer: true, maxPayload: 64 * 1024 });
  return new Promise((resolve, reject) => {
    const server = serve({ fetch: fetch as never, port: options.port, hostname: options.hostname, websocket: { server: sockets } }, (info: AddressInfo) => {
      resolve({
        server,
        port: info.port,
        close: (graceMs = 10_000) =>
          new Promise<void>((done) => {
            const http = server as Server;
            const forced = setTimeout(() => http.closeAllConnections(), graceMs);
            forced.unref();
            http.close(() => {
              clearTimeout(forced);
              done();
            });
            for (const client of sockets.clients) client.close(1001, 'The server is restarting; reconnect.');
            sockets.close();
            // Keep-alive connections with no request in flight would otherwise hold close() open.
            http.closeIdleConnections();
          }),
      });
    });
    server.once('error', reject);
  });
}
