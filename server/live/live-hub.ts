/**
 * One per server instance: reads each new event of the log once and hands it to every local
 * subscriber allowed to see it. Woken by its own writes (right after they commit), by other
 * instances' doorbell (LISTEN/NOTIFY on `ticket_events`, ids never data), and by a slow poll
 * that catches anything else. A new subscriber first gets what it missed, read under its own
 * claims, then joins the stream with no gap and no duplicate.
 */
import type { DatabaseHandle } from '../../db/client.ts';
import type { TicketEvent } from '../../db/schema/index.ts';
import type { Logger } from '../http/logger.ts';
import { readEventsAfter, readHorizon, readLatestPosition, readReplay, toLiveEvent } from './event-reader.ts';
import type { ServerFrame } from './protocol.ts';
import { mayReceive, type Subscriber } from './visibility.ts';

export const doorbellChannel = 'ticket_events';

export interface LiveConnection {
  readonly user: Subscriber;
  /** Sends a frame (or its JSON text); false when the client has fallen too far behind (the hub then drops it). */
  send(frame: ServerFrame | string): boolean;
  /** Called when the hub drops a connection that cannot keep up. */
  dropSlow(): void;
}

interface Subscription {
  connection: LiveConnection;
  lastSent: number;
  replaying: boolean;
  queued: TicketEvent[];
}

export interface LiveHubOptions {
  database: DatabaseHandle;
  logger: Logger;
  /** Fallback poll interval. */
  pollMs?: number;
  batchSize?: number;
}

export interface LiveHub {
  start(): Promise<void>;
  stop(): Promise<void>;
  /** A write committed here: deliver it locally now and wake the other instances. */
  ring(): void;
  /** Reads and fans out whatever is new; resolves when caught up. */
  pump(): Promise<void>;
  subscribe(connection: LiveConnection, after: number | undefined): Promise<void>;
  unsubscribe(connection: LiveConnection): void;
  readonly position: number;
  readonly subscriberCount: number;
}

export function createLiveHub({ database, logger, pollMs = 1000, batchSize = 500 }: LiveHubOptions): LiveHub {
  const subscriptions = new Map<LiveConnection, Subscription>();
  let position = 0;
  let started = false;
  let pumping: Promise<void> | undefined;
  let pumpAgain = false;
  let notifying = false;
  let notifyAgain = false;
  let pollTimer: NodeJS.Timeout | undefined;
  let stopListening: (() => Promise<void>) | undefined;

  /** Each event's frame is serialized once, however many subscribers receive it. */
  const frameTexts = new WeakMap<TicketEvent, string>();
  function frameText(event: TicketEvent): string {
    let text = frameTexts.get(event);
    if (text === undefined) {
      text = JSON.stringify(toLiveEvent(event));
      frameTexts.set(event, text);
    }
    return text;
  }

  function deliver(subscription: Subscription, event: TicketEvent): void {
    if (event.position <= subscription.lastSent) return;
    subscription.lastSent = event.position;
    if (!subscription.connection.send(frameText(event))) {
      subscriptions.delete(subscription.connection);
      subscription.connection.dropSlow();
    }
  }

  async function pumpOnce(): Promise<void> {
    const horizon = await readHorizon(database.systemDb);
    for (;;) {
      const events = await readEventsAfter(database.systemDb, position, horizon, batchSize);
      for (const event of events) {
        position = event.position;
        for (const subscription of subscriptions.values()) {
          if (!mayReceive(subscription.connection.user, event)) continue;
          if (subscription.replaying) subscription.queued.push(event);
          else deliver(subscription, event);
        }
      }
      if (events.length < batchSize) return;
    }
  }

  function pump(): Promise<void> {
    if (!started) return Promise.resolve();
    if (pumping) {
      pumpAgain = true;
      return pumping;
    }
    pumping = (async () => {
      try {
        do {
          pumpAgain = false;
          await pumpOnce();
        } while (pumpAgain);
      } catch (error) {
        logger.warn('live: reading the event log failed; retrying on the next wake', { error: String(error) });
      } finally {
        pumping = undefined;
      }
    })();
    return pumping;
  }

  function notifyOthers(): void {
    if (database.engine === 'pglite') return; // one process: nobody else to wake
    if (notifying) {
      notifyAgain = true;
      return;
    }
    notifying = true;
    database
      .notify(doorbellChannel)
      .catch((error: unknown) => logger.warn('live: ringing the doorbell failed', { error: String(error) }))
      .finally(() => {
        notifying = false;
        if (notifyAgain) {
          notifyAgain = false;
          notifyOthers();
        }
      });
  }

  return {
    get position() {
      return position;
    },
    get subscriberCount() {
      return subscriptions.size;
    },
    async start() {
      position = await readLatestPosition(database.systemDb);
      started = true;
      stopListening = await database.listen(doorbellChannel, () => void pump(), () => void pump());
      pollTimer = setInterval(() => void pump(), pollMs);
      pollTimer.unref();
    },
    async stop() {
      started = false;
      if (pollTimer) clearInterval(pollTimer);
      await stopListening?.().catch(() => {});
      await pumping;
      subscriptions.clear();
    },
    ring() {
      if (!started) return;
      void pump();
      notifyOthers();
    },
    pump,
    async subscribe(connection, after) {
      const subscription: Subscription = { connection, lastSent: after ?? position, replaying: after !== undefined && after < position, queued: [] };
      subscriptions.set(connection, subscription);
      if (subscription.replaying) {
        // Replay up to where the stream was when we joined; newer events queue meanwhile.
        const upTo = position;
        let cursor = subscription.lastSent;
        for (;;) {
          const missed = await readReplay(database.systemDb, { id: connection.user.userId, teamRole: connection.user.teamRole }, cursor, upTo, batchSize);
          for (const event of missed) deliver(subscription, event);
          if (!subscriptions.has(connection) || missed.length < batchSize) break;
          cursor = missed.at(-1)!.position;
        }
        subscription.replaying = false;
        for (const event of subscription.queued) deliver(subscription, event);
        subscription.queued = [];
      }
      if (subscriptions.has(connection)) connection.send({ type: 'ready', position: Math.max(subscription.lastSent, after ?? 0) });
    },
    unsubscribe(connection) {
      subscriptions.delete(connection);
    },
  };
}
