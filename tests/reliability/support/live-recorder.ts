/**
 * A live subscriber that keeps what it was sent, for counting: it authenticates, subscribes from
 * now, and records every event (id, kind, ticket, whether it carried an internal note) and how
 * the socket ended, so a test can compare what arrived with what should have.
 */
import WebSocket from 'ws';
import type { ServerFrame } from '../../../server/live/protocol.ts';

export interface RecordedEvent {
  id: number;
  kind: string;
  ticketId: string;
  internalNote: boolean;
}

export interface LiveRecorder {
  /** Who this socket is, for messages. */
  readonly label: string;
  readonly events: RecordedEvent[];
  /** The position the server said the subscription starts after. */
  readonly startsAfter: number;
  /** Frames that were neither events nor heartbeats/pongs (errors, a second ready, ...). */
  readonly unexpectedFrames: ServerFrame[];
  /** Set when the socket closed: the code and reason. */
  readonly closedWith: { code: number; reason: string } | undefined;
  /** Resolves once `check()` holds, or rejects after `timeoutMs`. */
  waitUntil(check: () => boolean, timeoutMs: number): Promise<void>;
  close(): void;
}

export async function recordLive(url: string, token: string, label: string, timeoutMs = 15_000): Promise<LiveRecorder> {
  const socket = new WebSocket(url);
  const events: RecordedEvent[] = [];
  const unexpectedFrames: ServerFrame[] = [];
  const waiters = new Set<() => void>();
  let startsAfter: number | undefined;
  let closedWith: { code: number; reason: string } | undefined;
  const wake = () => {
    for (const waiter of waiters) waiter();
  };

  socket.on('message', (data) => {
    const frame = JSON.parse(String(data)) as ServerFrame;
    if (frame.type === 'event') {
      const message = frame.data.message as { isInternal?: boolean } | undefined;
      events.push({ id: frame.id, kind: frame.kind, ticketId: frame.ticketId, internalNote: message?.isInternal === true });
    } else if (frame.type === 'authenticated') {
      socket.send(JSON.stringify({ type: 'subscribe' }));
    } else if (frame.type === 'ready' && startsAfter === undefined) {
      startsAfter = frame.position;
    } else if (frame.type !== 'heartbeat' && frame.type !== 'pong') {
      unexpectedFrames.push(frame);
    }
    wake();
  });
  socket.on('close', (code, reason) => {
    closedWith = { code, reason: String(reason) };
    wake();
  });

  const waitUntil = (check: () => boolean, ms: number) =>
    new Promise<void>((resolve, reject) => {
      const test = () => {
        if (!check()) return;
        waiters.delete(test);
        clearTimeout(timer);
        resolve();
      };
      const timer = setTimeout(() => {
        waiters.delete(test);
        reject(new Error(`${label}: timed out after ${ms} ms (${events.length} events, closed: ${JSON.stringify(closedWith)})`));
      }, ms);
      waiters.add(test);
      test();
    });

  await new Promise<void>((resolve, reject) => {
    socket.once('open', () => resolve());
    socket.once('error', reject);
  });
  socket.send(JSON.stringify({ type: 'auth', token }));
  await waitUntil(() => startsAfter !== undefined || closedWith !== undefined, timeoutMs);
  if (startsAfter === undefined) throw new Error(`${label}: the socket closed before it was ready: ${JSON.stringify(closedWith)} ${JSON.stringify(unexpectedFrames)}`);

  return {
    label,
    events,
    get startsAfter() {
      return startsAfter!;
    },
    unexpectedFrames,
    get closedWith() {
      return closedWith;
    },
    waitUntil,
    close: () => socket.close(),
  };
}
