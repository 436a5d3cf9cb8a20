/**
 * The browser side of `/api/v1/live`, shared by <ticket-widget> and <ticket-console>: connect,
 * authenticate with the first frame, resume from the last event id, reconnect with capped,
 * jittered backoff (and at once when the page comes back online or into view), and hand the
 * view each event exactly once, in order.
 *
 * @example
 * const live = new LiveClient({ url: 'https://support.example.com/api/v1/live', token: () => getToken(), onEvent: (e) => view.apply(e) });
 * live.start();
 */
import type { LiveEvent, ServerFrame } from '../../server/live/protocol.ts';

export type LiveState = 'idle' | 'connecting' | 'live' | 'reconnecting' | 'offline' | 'stopped';

export interface LiveClientOptions {
  /** ws:// or wss:// URL of /api/v1/live (http(s) URLs are converted). */
  url: string;
  /** Returns a current token; called before every (re)connect. */
  token: () => string | Promise<string>;
  onEvent: (event: LiveEvent) => void;
  onState?: (state: LiveState, detail?: { code?: number; reason?: string; retryInMs?: number }) => void;
  /** The last event id the view already has (e.g. restored from storage); omit to start from now. */
  after?: number;
  /** Smallest and largest wait between reconnects. */
  minBackoffMs?: number;
  maxBackoffMs?: number;
  /** How long without any frame (heartbeats come every 25 s) before the connection is presumed dead. */
  silenceTimeoutMs?: number;
  /** For tests and non-browser hosts. */
  WebSocketImpl?: typeof WebSocket;
  environment?: Pick<Window, 'addEventListener' | 'removeEventListener'> & { document?: Pick<Document, 'visibilityState'>; navigator?: Pick<Navigator, 'onLine'> };
  random?: () => number;
}

/** Close codes after which reconnecting as-is cannot help (mirrors server/live/close-codes.ts). */
const doNotRetry = new Set([4400, 4403]);

export class LiveClient {
  readonly #options: Required<Pick<LiveClientOptions, 'minBackoffMs' | 'maxBackoffMs' | 'silenceTimeoutMs' | 'random'>> & LiveClientOptions;
  #socket: WebSocket | undefined;
  #lastId: number | undefined;
  #attempt = 0;
  #state: LiveState = 'idle';
  #retryTimer: ReturnType<typeof setTimeout> | undefined;
  #silenceTimer: ReturnType<typeof setTimeout> | undefined;
  #stopped = true;

  constructor(options: LiveClientOptions) {
    this.#options = { minBackoffMs: 500, maxBackoffMs: 30_000, silenceTimeoutMs: 60_000, random: Math.random, ...options };
    this.#lastId = options.after;
  }

  /** The id of the last event handed to the view. */
  get lastEventId(): number | undefined {
    return this.#lastId;
  }

  get state(): LiveState {
    return this.#state;
  }

  start(): void {
    if (!this.#stopped) return;
    this.#stopped = false;
    const env = this.#environment();
    env?.addEventListener('online', this.#reconnectNow);
    env?.addEventListener('offline', this.#wentOffline);
    env?.addEventListener('visibilitychange', this.#reconnectNow);
    void this.#connect();
  }

  stop(): void {
    this.#stopped = true;
    const env = this.#environment();
    env?.removeEventListener('online', this.#reconnectNow);
    env?.removeEventListener('offline', this.#wentOffline);
    env?.removeEventListener('visibilitychange', this.#reconnectNow);
    clearTimeout(this.#retryTimer);
    clearTimeout(this.#silenceTimer);
    this.#socket?.close(1000, 'bye');
    this.#socket = undefined;
    this.#setState('stopped');
  }

  #environment() {
    return this.#options.environment ?? (typeof window === 'undefined' ? undefined : window);
  }

  #setState(state: LiveState, detail?: { code?: number; reason?: string; retryInMs?: number }): void {
    this.#state = state;
    this.#options.onState?.(state, detail);
  }

  readonly #reconnectNow = (): void => {
    if (this.#stopped) return;
    const env = this.#environment();
    if (env?.document && env.document.visibilityState === 'hidden') return;
    if (this.#state === 'live' || this.#state === 'connecting') return;
    clearTimeout(this.#retryTimer);
    this.#attempt = 0;
    void this.#connect();
  };

  readonly #wentOffline = (): void => {
    if (this.#stopped) return;
    this.#setState('offline');
  };

  async #connect(): Promise<void> {
    if (this.#stopped) return;
    this.#setState(this.#attempt === 0 ? 'connecting' : 'reconnecting');
    let token: string;
    try {
      token = await this.#options.token();
    } catch {
      return this.#scheduleRetry(undefined, 'no token');
    }
    if (this.#stopped) return;
    const Impl = this.#options.WebSocketImpl ?? WebSocket;
    const socket = new Impl(this.#options.url.replace(/^http/, 'ws'));
    this.#socket = socket;
    socket.onopen = () => {
      socket.send(JSON.stringify({ type: 'auth', token }));
      this.#armSilenceTimer(socket);
    };
    socket.onmessage = (message) => {
      if (socket !== this.#socket) return;
      this.#armSilenceTimer(socket);
      let frame: ServerFrame;
      try {
        frame = JSON.parse(String(message.data)) as ServerFrame;
      } catch {
        return;
      }
      this.#handle(socket, frame);
    };
    socket.onclose = (event) => {
      if (socket !== this.#socket) return;
      this.#socket = undefined;
      clearTimeout(this.#silenceTimer);
      if (this.#stopped) return;
      if (doNotRetry.has(event.code)) return this.#setState('stopped', { code: event.code, reason: event.reason });
      this.#scheduleRetry(event.code, event.reason);
    };
  }

  #handle(socket: WebSocket, frame: ServerFrame): void {
    switch (frame.type) {
      case 'authenticated':
        socket.send(JSON.stringify(this.#lastId === undefined ? { type: 'subscribe' } : { type: 'subscribe', after: this.#lastId }));
        return;
      case 'ready':
        this.#attempt = 0;
        // A `ready` below our last id: the server's log no longer holds it (a restored or reset
        // database) and the stream starts from its position; keeping ours would drop what comes.
        if (this.#lastId === undefined || frame.position < this.#lastId) this.#lastId = frame.position;
        this.#setState('live');
        return;
      case 'event':
        // A resumed stream never repeats what the view has; this guard makes sure of it.
        if (this.#lastId !== undefined && frame.id <= this.#lastId) return;
        this.#lastId = frame.id;
        this.#options.onEvent(frame);
        return;
      default:
        return;
    }
  }

  #armSilenceTimer(socket: WebSocket): void {
    clearTimeout(this.#silenceTimer);
    this.#silenceTimer = setTimeout(() => socket.close(4000, 'no heartbeat'), this.#options.silenceTimeoutMs);
  }

  #scheduleRetry(code: number | undefined, reason: string): void {
    const { minBackoffMs, maxBackoffMs, random } = this.#options;
    const ceiling = Math.min(maxBackoffMs, minBackoffMs * 2 ** this.#attempt);
    // Full jitter: spread reconnects so a restarted server is not hit by every client at once.
    const retryInMs = Math.round(minBackoffMs / 2 + random() * (ceiling - minBackoffMs / 2));
    this.#attempt += 1;
    const env = this.#environment();
    const offline = env?.navigator && env.navigator.onLine === false;
    this.#setState(offline ? 'offline' : 'reconnecting', { ...(code !== undefined ? { code } : {}), reason, retryInMs });
    clearTimeout(this.#retryTimer);
    this.#retryTimer = setTimeout(() => void this.#connect(), retryInMs);
  }
}
