/** Why the server closed a live socket. 44xx mirror HTTP statuses; clients reconnect unless told not to. */
export const CloseCode = {
  /** The server is shutting down or restarting: reconnect (to another instance) and resume. */
  GoingAway: 1001,
  /** Something failed on our side: reconnect with backoff. */
  InternalError: 1011,
  /** A frame that is not part of the protocol. */
  BadRequest: 4400,
  /** No valid token, or the token expired: get a fresh one before reconnecting. */
  Unauthorized: 4401,
  /** The page's origin may not connect: do not retry. */
  Forbidden: 4403,
  /** No auth frame in time. */
  Timeout: 4408,
  /** The client read too slowly and fell too far behind: reconnect and resume from the last id. */
  SlowConsumer: 4429,
} as const;
export type CloseCode = (typeof CloseCode)[keyof typeof CloseCode];

/** Close codes after which reconnecting as-is is pointless. */
export const terminalCloseCodes: ReadonlySet<number> = new Set([CloseCode.Forbidden, CloseCode.BadRequest]);
