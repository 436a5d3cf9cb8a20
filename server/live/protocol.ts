/**
 * The live wire protocol (`GET /api/v1/live`), shared by the server and the browser client
 * (type-only). Client: `auth` first, then `subscribe`. Server: `ready` after the replay,
 * `event`s in position order, `heartbeat`s, and `error` before closing.
 */
import type { TicketEventKind } from '../../db/schema/events.ts';

export type ClientFrame =
  | { type: 'auth'; token: string }
  /** `after`: the id of the last event the client has; omitted means "from now". */
  | { type: 'subscribe'; after?: number }
  | { type: 'ping' };

export interface LiveEvent {
  type: 'event';
  /** Only grows; resume with `subscribe.after` = the last id seen. */
  id: number;
  kind: TicketEventKind;
  ticketId: string;
  at: string;
  data: Record<string, unknown>;
}

export type ServerFrame =
  | { type: 'authenticated'; userId: string; teamRole: 'agent' | 'admin' | null; expiresAt: number }
  /** Replay is done; `position` is the last event id sent or skipped so far. */
  | { type: 'ready'; position: number }
  | LiveEvent
  | { type: 'heartbeat'; at: string }
  | { type: 'pong' }
  | { type: 'error'; code: string; message: string };
