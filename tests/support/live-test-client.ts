/** A WebSocket client for live tests (the `ws` package, so a test can set Origin like a browser would). */
import WebSocket from 'ws';
import type { LiveEvent, ServerFrame } from '../../server/live/protocol.ts';

export interface LiveTestClient {
  frames: ServerFrame[];
  events(): LiveEvent[];
  send(frame: unknown): void;
  /** Resolves with the first frame (already received or coming) that matches. */
  next<T extends ServerFrame>(match: (frame: ServerFrame) => frame is T, timeoutMs?: number): Promise<T>;
  /** Resolves once `count` events have arrived. */
  waitForEvents(count: number, timeoutMs?: number): Promise<LiveEvent[]>;
  closed: Promise<{ code: number; reason: string }>;
  close(): void;
}

export async function connectLive(url: string, options: { origin?: string } = {}): Promise<LiveTestClient> {
  const socket = new WebSocket(url, options.origin ? { origin: options.origin } : {});
  const frames: ServerFrame[] = [];
  const waiters = new Set<() => void>();
  socket.on('message', (data) => {
    frames.push(JSON.parse(String(data)) as ServerFrame);
    for (const wake of waiters) wake();
  });
  const closed = new Promise<{ code: number; reason: string }>((resolve) => socket.on('close', (code, reason) => resolve({ code, reason: String(reason) })));
  await new Promise<void>((resolve, reject) => {
    socket.once('open', () => resolve());
    socket.once('error', reject);
  });
  const waitFor = <T>(check: () => T | undefined, timeoutMs: number, what: string) =>
    new Promise<T>((resolve, reject) => {
      const attempt = () => {
        const found = check();
        if (found !== undefined) {
          waiters.delete(attempt);
          clearTimeout(timer);
          resolve(found);
        }
      };
      const timer = setTimeout(() => {
        waiters.delete(attempt);
        reject(new Error(`Timed out waiting for ${what}; got ${JSON.stringify(frames.map((f) => f.type))}`));
      }, timeoutMs);
      waiters.add(attempt);
      attempt();
    });
  const events = () => frames.filter((f): f is LiveEvent => f.type === 'event');
  return {
    frames,
    events,
    send: (frame) => socket.send(JSON.stringify(frame)),
    next: (match, timeoutMs = 5000) => waitFor(() => frames.find(match), timeoutMs, 'a frame'),
    waitForEvents: (count, timeoutMs = 5000) => waitFor(() => (events().length >= count ? events() : undefined), timeoutMs, `${count} events`),
    closed,
    close: () => socket.close(),
  };
}

export const isType =
  <K extends ServerFrame['type']>(type: K) =>
  (frame: ServerFrame): frame is Extract<ServerFrame, { type: K }> =>
    frame.type === type;
