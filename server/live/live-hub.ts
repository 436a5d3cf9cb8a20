/**
 * One per server instance: reads each new event of the log once and hands it to every local
 * subscriber allowed to see it. Woken by its own writes (right after they commit), by other
 * instances' doorbell (LISTEN/NOTIFY on `ticket_events`, ids never data), and by a slow poll
 * that catches anything else. A new subscriber first gets what it missed, read under its own
 * claims, then joins the stream with no gap and no duplicate.
 *
 * Cheap per event, because it runs for every change: a customer's event is offered to that
 * customer's sockets and the team's (an index by user, not a scan of every socket), each event is
 * serialized once into bytes that every recipient shares, and a socket's frames of one batch
 * leave in one write (corked) rather than one system call each.
 */
import { randomBytes } from 'node:crypto';
import type { DatabaseHandle } from '../../db/client.ts';
import type { TicketEvent } from '../../db/schema/index.ts';
import type { Logger } from '../http/logger.ts';
import { readFinalEventsAfter, readLatestPosition, readNewestPosition, readReplay, toLiveEvent } from './event-reader.ts';
import type { ServerFrame } from './protocol.ts';
import { mayReceive, type Subscriber } from './visibility.ts';

export const doorbellChannel = 'ticket_events';

export interface LiveConnection {
  readonly user: Subscriber;
  /**
   * Sends a frame: an object, or an event frame already serialized (JSON text, or its UTF-8
   * bytes, sent as a text frame). False when the client has fallen too far behind (the hub then
   * drops it).
   */
  send(frame: ServerFrame | string | Uint8Array): boolean;
  /** Called when the hub drops a connection that cannot keep up. */
  dropSlow(): void;
  /**
   * Optional: hold this connection's outgoing frames until uncork(), so that a batch leaves in
   * one write. The hub always pairs them, within one synchronous pass.
   */
  cork?(): void;
  uncork?(): void;
}

interface Subscription {
  connection: LiveConnection;
  lastSent: number;
  replaying: boolean;
  queued: TicketEvent[];
  /** False once unsubscribed or dropped (a pass may still hold it). */
  active: boolean;
  corked: boolean;
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
  /** The same subscriptions by user id: where a customer's events go. */
  const byUser = new Map<string, Set<Subscription>>();
  /** Rung on our own doorbell: the notification that comes back to our listener is not news. */
  const instanceId = randomBytes(8).toString('hex');
  let position = 0;
  let started = false;
  let pumping: Promise<void> | undefined;
  let pumpAgain = false;
  let notifying = false;
  let notifyAgain = false;
  let pollTimer: NodeJS.Timeout | undefined;
  let stopListening: (() => Promise<void>) | undefined;

  /** Each event's frame is serialized once, however many subscribers receive it. */
  const frames = new WeakMap<TicketEvent, Buffer>();
  function frameOf(event: TicketEvent): Buffer {
    let frame = frames.get(event);
    if (frame === undefined) {
      frame = Buffer.from(JSON.stringify(toLiveEvent(event)));
      frames.set(event, frame);
    }
    return frame;
  }

  function add(subscription: Subscription): void {
    subscriptions.set(subscription.connection, subscription);
    const userId = subscription.connection.user.userId;
    let own = byUser.get(userId);
    if (!own) byUser.set(userId, (own = new Set()));
    own.add(subscription);
  }

  function remove(connection: LiveConnection): void {
    const subscription = subscriptions.get(connection);
    if (!subscription) return;
    subscription.active = false;
    subscriptions.delete(connection);
    const own = byUser.get(connection.user.userId);
    own?.delete(subscription);
    if (own?.size === 0) byUser.delete(connection.user.userId);
  }

  /** Corks each connection on its first frame of a pass; `release` sends every corked batch. */
  function corking() {
    const corked: Subscription[] = [];
    return {
      hold(subscription: Subscription) {
        if (subscription.corked || !subscription.connection.cork) return;
        subscription.connection.cork();
        subscription.corked = true;
        corked.push(subscription);
      },
      release() {
        for (const subscription of corked) {
          subscription.corked = false;
          subscription.connection.uncork?.();
        }
        corked.length = 0;
      },
    };
  }
  type Corking = ReturnType<typeof corking>;

  function deliver(subscription: Subscription, event: TicketEvent, corks: Corking): void {
    if (!subscription.active || event.position <= subscription.lastSent) return;
    subscription.lastSent = event.position;
    corks.hold(subscription);
    if (!subscription.connection.send(frameOf(event))) {
      remove(subscription.connection);
      subscription.connection.dropSlow();
    }
  }

  function offer(subscription: Subscription, event: TicketEvent, corks: Corking): void {
    if (!subscription.active || !mayReceive(subscription.connection.user, event)) return;
    if (subscription.replaying) subscription.queued.push(event);
    else deliver(subscription, event, corks);
  }

  /** Hands a batch of events, in position order, to every subscriber allowed to see each. */
  function fanOut(events: TicketEvent[]): void {
    // Roles are read per pass (a heartbeat may have changed one); customers are found by id.
    const team: Subscription[] = [];
    for (const subscription of subscriptions.values()) if (subscription.connection.user.teamRole) team.push(subscription);
    const corks = corking();
    try {
      for (const event of events) {
        position = event.position;
        for (const subscription of team) offer(subscription, event, corks);
        const own = byUser.get(event.customerId);
        if (own) for (const subscription of own) if (!subscription.connection.user.teamRole) offer(subscription, event, corks);
      }
    } finally {
      corks.release();
    }
  }

  async function pumpOnce(): Promise<void> {
    for (;;) {
      const events = await readFinalEventsAfter(database.systemDb, position, batchSize);
      fanOut(events);
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
      .notify(doorbellChannel, instanceId)
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
      stopListening = await database.listen(
        doorbellChannel,
        (payload) => {
          if (payload !== instanceId) void pump();
        },
        () => void pump(),
      );
      pollTimer = setInterval(() => void pump(), pollMs);
      pollTimer.unref();
    },
    async stop() {
      started = false;
      if (pollTimer) clearInterval(pollTimer);
      await stopListening?.().catch(() => {});
      await pumping;
      for (const connection of [...subscriptions.keys()]) remove(connection);
    },
    ring() {
      if (!started) return;
      void pump();
      notifyOthers();
    },
    pump,
    async subscribe(connection, requestedAfter) {
      const joinedAt = position;
      // Past the stream's position: a position the log may not hold. Hold its events (replaying)
      // until we know.
      const maybeStale = requestedAfter !== undefined && requestedAfter > joinedAt;
      const subscription: Subscription = {
        connection,
        lastSent: requestedAfter ?? joinedAt,
        replaying: requestedAfter !== undefined && (requestedAfter < joinedAt || maybeStale),
        queued: [],
        active: true,
        corked: false,
      };
      add(subscription);
      let after = requestedAfter;
      // A position past everything the log holds comes from a log that is gone (a restored or reset
      // database): resuming from it would wait for ids that will not come, so start from where the
      // stream was when the client joined. The `ready` frame then carries a position below the
      // client's, which tells it to start over there; it comes first, so the client takes what
      // follows (the events since it joined) rather than dropping them as older than its own id.
      let readySent = false;
      if (maybeStale && requestedAfter !== undefined && requestedAfter > (await readNewestPosition(database.systemDb))) {
        after = joinedAt;
        subscription.lastSent = joinedAt;
        if (subscription.active) connection.send({ type: 'ready', position: joinedAt });
        readySent = true;
      }
      if (subscription.replaying) {
        // Replay up to where the stream was when we joined; newer events queue meanwhile.
        const upTo = position;
        let cursor = subscription.lastSent;
        for (;;) {
          const missed = await readReplay(database.systemDb, { id: connection.user.userId, teamRole: connection.user.teamRole }, cursor, upTo, batchSize);
          const corks = corking();
          try {
            for (const event of missed) deliver(subscription, event, corks);
          } finally {
            corks.release();
          }
          if (!subscription.active || missed.length < batchSize) break;
          cursor = missed.at(-1)!.position;
        }
        subscription.replaying = false;
        const corks = corking();
        try {
          for (const event of subscription.queued) deliver(subscription, event, corks);
        } finally {
          corks.release();
        }
        subscription.queued = [];
      }
      if (subscription.active && !readySent) connection.send({ type: 'ready', position: Math.max(subscription.lastSent, after ?? 0) });
    },
    unsubscribe(connection) {
      remove(connection);
    },
  };
}
