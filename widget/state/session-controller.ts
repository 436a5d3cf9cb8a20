/** Re-renders its element whenever the session it watches changes; follows the element's session property. */
import type { ReactiveController, ReactiveControllerHost } from 'lit';
import type { WidgetSession } from './session.ts';

export class SessionController implements ReactiveController {
  readonly #host: ReactiveControllerHost;
  readonly #session: () => WidgetSession | undefined;
  #watched: WidgetSession | undefined;
  readonly #onChange = () => this.#host.requestUpdate();

  constructor(host: ReactiveControllerHost, session: () => WidgetSession | undefined) {
    this.#host = host;
    this.#session = session;
    host.addController(this);
  }

  hostConnected(): void {
    this.#watch();
  }

  hostUpdate(): void {
    this.#watch();
  }

  hostDisconnected(): void {
    this.#watched?.removeEventListener('change', this.#onChange);
    this.#watched = undefined;
  }

  #watch(): void {
    const session = this.#session();
    if (session === this.#watched) return;
    this.#watched?.removeEventListener('change', this.#onChange);
    session?.addEventListener('change', this.#onChange);
    this.#watched = session;
  }
}
