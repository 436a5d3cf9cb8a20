/**
 * `GET /api/v1/live`: the WebSocket endpoint. The first frame authenticates (the token never
 * travels in the URL), then the client subscribes from its last event id. Heartbeats both ways,
 * named close codes, closed when the token expires, and dropped when it reads too slowly.
 */
import type { Duplex } from 'node:stream';
import { upgradeWebSocket } from '@hono/node-server';
import type { WSContext } from 'hono/ws';
import type { WebSocket as NodeWebSocket } from 'ws';
import { z } from 'zod';
import type { AppDeps } from '../app-env.ts';
import { ApiError } from '../errors.ts';
import { CloseCode } from './close-codes.ts';
import type { LiveConnection } from './live-hub.ts';
import type { ServerFrame } from './protocol.ts';
import type { Subscriber } from './visibility.ts';

export interface LiveSocketOptions {
  authTimeoutMs?: number;
  heartbeatMs?: number;
  /** Bytes a client may leave unread before it is dropped as too slow. */
  maxBufferedBytes?: number;
}

const clientFrame = z.discriminatedUnion('type', [
  z.strictObject({ type: z.literal('auth'), token: z.string().min(1).max(8192) }),
  z.strictObject({ type: z.literal('subscribe'), after: z.number().int().nonnegative().max(Number.MAX_SAFE_INTEGER).optional() }),
  z.strictObject({ type: z.literal('ping') }),
]);

const maxFrameBytes = 16 * 1024;

export function isOriginAllowed(origin: string | undefined, allowed: string[], ownOrigin: string): boolean {
  if (!origin) return true; // not a browser
  return allowed.includes('*') || allowed.includes(origin) || origin === ownOrigin;
}

export function liveSocket(deps: AppDeps, options: LiveSocketOptions = {}) {
  const { tokens, users, live, config, logger } = deps;
  const authTimeoutMs = options.authTimeoutMs ?? 10_000;
  const heartbeatMs = options.heartbeatMs ?? 25_000;
  const maxBufferedBytes = options.maxBufferedBytes ?? 1024 * 1024;
  const ownOrigin = new URL(config.publicUrl).origin;

  return upgradeWebSocket((c) => {
    const originAllowed = isOriginAllowed(c.req.header('origin'), config.ALLOWED_ORIGINS, ownOrigin);
    let ws: WSContext | undefined;
    let connection: (LiveConnection & { user: Subscriber }) | undefined;
    /** The auth frame's check, while it runs: a subscribe sent right behind it waits for it. */
    let authenticating: Promise<void> | undefined;
    let subscribed = false;
    let closed = false;
    let awaitingPong = false;
    const timers: NodeJS.Timeout[] = [];
    const raw = () => ws?.raw as unknown as NodeWebSocket | undefined;

    // While the hub fans out a batch, this socket's frames are held and leave in one write.
    let corkedStream: Duplex | undefined;
    const send = (frame: ServerFrame | string | Uint8Array): boolean => {
      const socket = raw();
      if (closed || !ws || !socket || socket.readyState !== socket.OPEN) return true;
      if (socket.bufferedAmount > maxBufferedBytes && corkedStream) {
        // What is held counts as unread; hand it to the kernel before judging the client.
        corkedStream.uncork();
        corkedStream.cork();
      }
      if (socket.bufferedAmount > maxBufferedBytes) return false;
      if (frame instanceof Uint8Array) socket.send(frame, { binary: false });
      else ws.send(typeof frame === 'string' ? frame : JSON.stringify(frame));
      return true;
    };
    const cork = () => {
      // ws has no cork of its own; its frames go to this stream (and it corks per frame inside ours).
      const stream = (raw() as unknown as { _socket?: Duplex } | undefined)?._socket;
      if (corkedStream || !stream || stream.destroyed || typeof stream.cork !== 'function') return;
      stream.cork();
      corkedStream = stream;
    };
    const uncork = () => {
      const stream = corkedStream;
      corkedStream = undefined;
      stream?.uncork();
    };
    const close = (code: number, reason: string) => {
      if (closed) return;
      if (code >= 4000 && code !== CloseCode.SlowConsumer) send({ type: 'error', code: String(code), message: reason });
      closed = true;
      for (const timer of timers) clearTimeout(timer);
      if (connection) live.unsubscribe(connection);
      ws?.close(code, reason);
    };

    async function authenticate(token: string) {
      try {
        const identity = await tokens.verify(token);
        const user = await users.resolve(identity);
        // The client may have hung up meanwhile: then nothing must outlive the socket.
        if (closed) return;
        const msLeft = identity.expiresAt * 1000 - Date.now();
        if (msLeft <= 0) return close(CloseCode.Unauthorized, 'The token has expired.');
        connection = {
          user: { userId: user.id, teamRole: user.teamRole },
          send,
          cork,
          uncork,
          dropSlow: () => close(CloseCode.SlowConsumer, 'Too far behind; reconnect and resume from your last event id.'),
        };
        timers.push(setTimeout(() => close(CloseCode.Unauthorized, 'The token has expired; reconnect with a fresh one.'), Math.min(msLeft, 2 ** 31 - 1)));
        send({ type: 'authenticated', userId: user.id, teamRole: user.teamRole, expiresAt: identity.expiresAt });
      } catch (error) {
        if (error instanceof ApiError && error.code === 'unauthorized') return close(CloseCode.Unauthorized, error.message);
        logger.warn('live: authentication failed', { error: String(error) });
        return close(CloseCode.InternalError, 'Authentication could not be completed; try again.');
      }
    }

    async function subscribe(after: number | undefined) {
      if (subscribed) return close(CloseCode.BadRequest, 'Already subscribed.');
      if (!connection && !authenticating) return close(CloseCode.BadRequest, 'Authenticate first: {"type":"auth","token":"…"}.');
      subscribed = true;
      await authenticating;
      // A refused token has closed the socket already.
      if (closed || !connection) return;
      try {
        await live.subscribe(connection, after);
      } catch (error) {
        logger.warn('live: replay failed', { error: String(error) });
        close(CloseCode.InternalError, 'Could not replay missed events; reconnect and try again.');
      }
    }

    function startHeartbeat() {
      const beat = setInterval(() => {
        const socket = raw();
        if (!socket || closed) return clearInterval(beat);
        if (awaitingPong) {
          clearInterval(beat);
          return socket.terminate();
        }
        awaitingPong = true;
        socket.ping();
        send({ type: 'heartbeat', at: new Date().toISOString() });
        // Team membership may have changed since the socket opened.
        if (connection) {
          const current = connection;
          void users
            .resolve({ userId: current.user.userId, expiresAt: 0 })
            .then((user) => {
              current.user.teamRole = user.teamRole;
            })
            .catch(() => {});
        }
      }, heartbeatMs);
      timers.push(beat as unknown as NodeJS.Timeout);
    }

    return {
      onOpen(_event, context) {
        ws = context;
        if (!originAllowed) return close(CloseCode.Forbidden, 'This origin may not connect (ALLOWED_ORIGINS).');
        raw()?.on('pong', () => {
          awaitingPong = false;
        });
        timers.push(setTimeout(() => connection || close(CloseCode.Timeout, `No auth frame within ${authTimeoutMs / 1000} s.`), authTimeoutMs));
        startHeartbeat();
      },
      onMessage(event) {
        if (closed) return;
        const text = typeof event.data === 'string' ? event.data : undefined;
        if (text === undefined || text.length > maxFrameBytes) return close(CloseCode.BadRequest, 'Frames are JSON text of at most 16 KiB.');
        let parsed: z.infer<typeof clientFrame>;
        try {
          const result = clientFrame.safeParse(JSON.parse(text));
          if (!result.success) return close(CloseCode.BadRequest, `Not a frame of this protocol: ${result.error.issues[0]?.message ?? 'invalid'}.`);
          parsed = result.data;
        } catch {
          return close(CloseCode.BadRequest, 'Frames are JSON.');
        }
        if (parsed.type === 'auth') {
          if (connection || authenticating) return close(CloseCode.BadRequest, 'Already authenticated.');
          authenticating = authenticate(parsed.token);
        } else if (parsed.type === 'subscribe') {
          void subscribe(parsed.after);
        } else {
          send({ type: 'pong' });
        }
      },
      onClose() {
        closed = true;
        for (const timer of timers) clearTimeout(timer);
        if (connection) live.unsubscribe(connection);
      },
      onError() {
        closed = true;
        if (connection) live.unsubscribe(connection);
      },
    };
  });
}
