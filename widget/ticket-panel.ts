/**
 * The panel <ticket-widget> loads on intent: a header with the connection state, and one view
 * at a time — my tickets, new ticket, a thread (or the guest's start, or a signed-out note). It
 * owns the customer's session and starts a new one whenever the host page changes who the
 * customer is, so a sign-out or a switch of user never shows the previous customer's tickets.
 *
 * @summary The widget's panel: header, connection state and the current view.
 * @csspart header - the top bar
 * @csspart title - the panel's heading
 * @csspart connection - the connection state
 * @csspart close - the close button (floating mode)
 * @csspart body - the area the views scroll in
 */
import { html, LitElement, nothing } from 'lit';
import { en, loadStrings, type Strings } from './i18n/strings.ts';
import { sameIdentity, WidgetSession } from './state/session.ts';
import { SessionController } from './state/session-controller.ts';
import { ticketPanelStyles } from './ticket-panel.styles.ts';
import type { NavigateEvent, ViewRequest } from './views/navigate-event.ts';
import { sharedStyles } from './views/shared.styles.ts';
import './views/ticket-guest.ts';
import './views/ticket-list.ts';
import './views/ticket-new.ts';
import './views/ticket-thread.ts';
import type { TicketDraft, WidgetHost } from './widget-host.ts';

/** A view that can put focus on its heading. */
interface FocusableView extends HTMLElement {
  focusHeading(): void;
}

export class TicketPanel extends LitElement {
  static override properties = {
    host: { attribute: false },
    view: { state: true },
    strings: { state: true },
  };
  static override styles = [sharedStyles, ticketPanelStyles];

  declare host: WidgetHost | undefined;
  declare view: ViewRequest;
  declare strings: Strings;
  session: WidgetSession | undefined;
  #focusAfterRender = false;
  #stringsLoading: Promise<void> = Promise.resolve();

  constructor() {
    super();
    this.view = { view: 'list' };
    this.strings = en;
    new SessionController(this, () => this.session);
    this.addEventListener('keydown', (event) => {
      if (event.key === 'Escape' && !this.host?.inline) {
        event.stopPropagation();
        this.host?.requestClose();
      }
    });
  }

  readonly #pageVisibilityChanged = () => this.session?.refreshSeen();

  override connectedCallback(): void {
    super.connectedCallback();
    document.addEventListener('visibilitychange', this.#pageVisibilityChanged);
    this.hostChanged();
  }

  override disconnectedCallback(): void {
    super.disconnectedCallback();
    document.removeEventListener('visibilitychange', this.#pageVisibilityChanged);
    this.session?.stop();
    this.session = undefined;
  }

  /** Also waits for the locale's strings, so "rendered" means rendered in the customer's language. */
  protected override async getUpdateComplete(): Promise<boolean> {
    await this.#stringsLoading;
    return super.getUpdateComplete();
  }

  /** <ticket-widget> calls this when an attribute or the token provider changed. */
  hostChanged(): void {
    const host = this.host;
    if (!host || !this.isConnected) return;
    if (this.strings.locale !== host.locale) {
      const locale = host.locale;
      this.#stringsLoading = loadStrings(locale).then((strings) => {
        if (this.host?.locale === locale) this.strings = strings;
      });
    }
    if (!this.session || this.session.server !== host.server || !sameIdentity(this.session.identity, host.identity)) {
      this.session?.stop();
      this.session = new WidgetSession(host);
      this.view = { view: 'list' };
      void this.session.start();
    }
    this.session.refreshSeen();
    this.requestUpdate();
  }

  /** The customer pressed or typed something in the widget: storage may be used from now on. */
  interactionStarted(): void {
    this.session?.interactionStarted();
  }

  showNewTicket(draft: TicketDraft): void {
    this.#navigate({ view: 'new', draft }, true);
  }

  /** Puts focus on the current view's heading (when the panel opens or the view changes). */
  focusView(): void {
    const view = this.renderRoot.querySelector<FocusableView>('.view');
    if (view?.focusHeading) view.focusHeading();
    else this.renderRoot.querySelector<HTMLElement>('h2')?.focus();
  }

  #navigate(request: ViewRequest, moveFocus: boolean): void {
    this.view = request;
    this.session?.showThread(request.view === 'thread' ? request.ticketId : undefined);
    this.#focusAfterRender = moveFocus;
  }

  protected override updated(): void {
    if (this.#focusAfterRender) {
      this.#focusAfterRender = false;
      // The view renders after the panel: wait for it, then focus its heading.
      const view = this.renderRoot.querySelector('.view') as (FocusableView & { updateComplete?: Promise<unknown> }) | null;
      void (view?.updateComplete ?? Promise.resolve()).then(() => this.focusView());
    }
  }

  protected override render() {
    const t = this.strings;
    // Until the customer's language has loaded, nothing rather than a flash of English.
    if (this.host && t.locale !== this.host.locale) return nothing;
    const session = this.session;
    const connection = session?.phase === 'ready' ? session.connection : 'idle';
    return html`
      <section class="frame" role=${this.host?.inline ? 'region' : 'dialog'} aria-labelledby="title">
        <header part="header">
          <h2 id="title" part="title" tabindex="-1">${t.support}</h2>
          ${session?.phase === 'ready'
            ? html`<p part="connection" class="connection ${connection}" role="status"><span class="dot" aria-hidden="true"></span>${t.connection[connection]}</p>`
            : nothing}
          ${this.host?.inline
            ? nothing
            : html`<button part="close" class="close" type="button" aria-label=${t.close} @click=${() => this.host?.requestClose()}>
                <svg viewBox="0 0 24 24" aria-hidden="true"><path d="M6.4 5 5 6.4 10.6 12 5 17.6 6.4 19l5.6-5.6 5.6 5.6 1.4-1.4-5.6-5.6L19 6.4 17.6 5 12 10.6z" /></svg>
              </button>`}
        </header>
        <div part="body" class="body" @ticket-navigate=${(event: NavigateEvent) => this.#navigate(event.request, true)}>${this.#body(t)}</div>
      </section>
    `;
  }

  #body(t: Strings) {
    const session = this.session;
    if (!session || session.phase === 'starting') return html`<p class="note" role="status">${t.list.loading}</p>`;
    if (session.phase === 'signed-out') return html`<p class="note">${t.signedOut}</p>`;
    if (session.phase === 'failed') return html`<p class="note alert" role="alert">${t.errors.network}</p>`;
    if (session.phase === 'guest-needed') return html`<ticket-guest class="view" .session=${session} .strings=${t}></ticket-guest>`;
    const view = this.view;
    if (view.view === 'new') return html`<ticket-new class="view" exportparts="form, field, input, error, button, primary-button" .session=${session} .strings=${t} .draft=${view.draft ?? {}}></ticket-new>`;
    if (view.view === 'thread') {
      return html`<ticket-thread
        class="view"
        exportparts="thread, message, message-customer, message-team, attachment, banner, composer, button, primary-button, status"
        .session=${session}
        .strings=${t}
        .ticketId=${view.ticketId}
      ></ticket-thread>`;
    }
    return html`<ticket-list class="view" exportparts="list, item, status, button, primary-button" .session=${session} .strings=${t}></ticket-list>`;
  }
}

if (!customElements.get('ticket-panel')) customElements.define('ticket-panel', TicketPanel);

declare global {
  interface HTMLElementTagNameMap {
    'ticket-panel': TicketPanel;
  }
}
