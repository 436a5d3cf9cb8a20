/**
 * The console's live connection as a Lit controller: connects (widget/live/live-client.ts) while
 * its host is in the page, hands every event to the host, and keeps the connection state for the
 * header. Stops when the host leaves the page.
 */
import type { ReactiveController, ReactiveControllerHost } from 'lit';
import type { LiveEvent } from '../../api/types.ts';
import { LiveClient, type LiveState } from '../../live/live-client.ts';

export interface LiveSource {
  /** The server's base URL (no trailing slash). */
  server: string;
  token: () => Promise<string>;
}

export class LiveController implements ReactiveController {
  state: LiveState = 'idle';
  readonly #host: ReactiveControllerHost;
  readonly #source: () => LiveSource | undefined;
  readonly #onEvent: (event: LiveEvent) => void;
  #client: LiveClient | undefined;

  constructor(host: ReactiveControllerHost, source: () => LiveSource | undefined, onEvent: (event: LiveEvent) => void) {
    this.#host = host;
    this.#source = source;
    this.#onEvent = onEvent;
    host.addController(this);
  }

  /** Connects if not connected yet (the host calls it once it knows its server and token). */
  start(): void {
    const source = this.#source();
    if (this.#client || !source) return;
    this.#client = new LiveClient({
      url: `${source.server}/api/v1/live`,
      token: source.token,
      onEvent: this.#onEvent,
      onState: (state) => {
        this.state = state;
        this.#host.requestUpdate();
      },
    });
    this.#client.start();
  }

  hostConnected(): void {
    this.start();
  }

  hostDisconnected(): void {
    this.#client?.stop();
    this.#client = undefined;
  }
}
