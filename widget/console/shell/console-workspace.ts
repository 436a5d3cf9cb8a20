/**
 * `<console-workspace>`: the signed-in console. A header (connection state, the admin area's
 * button, sign out), the list pane and the detail pane side by side — or, on a narrow screen,
 * the list and then the ticket with a back button. It keeps the view (filters and open ticket)
 * in the URL, runs the live connection and hands every event to both panes, opens the ticket
 * either pane asks for (`console-ticket-select`), and answers the keyboard shortcuts: j/k
 * next/previous ticket, r reply, a assign to me, / search, Esc back. The shortcuts listen on the
 * document while the console is on the page, so they also work when nothing has focus (the page's
 * body); never while someone types (an input, textarea, select or contenteditable) or holds
 * Ctrl, Alt or Meta, and never for keys meant for another widget on the page.
 *
 * @summary The console's layout, URL state, live updates and shortcuts.
 * @fires console-sign-out - the agent pressed "Sign out"
 */
import { html, LitElement, nothing } from 'lit';
import type { TokenSource } from '../../api/token-source.ts';
import type { LiveEvent, TicketDetailView } from '../../api/types.ts';
import type { ConsoleClient } from '../api/console-client.ts';
import type { ListApi, MeView } from '../api/list-api.ts';
import type { ConsoleStrings, Locale } from '../i18n/console-strings.ts';
import type { ConsoleTicketList } from '../list/console-ticket-list.ts';
import '../list/console-ticket-list.ts';
import type { FiltersChangeEvent } from '../list/console-list-filters.ts';
import { LiveController } from '../state/live-controller.ts';
import { readView, writeView, type ConsoleView } from '../state/url-state.ts';
import { consoleStyles } from './console.styles.ts';
import { consoleWorkspaceStyles } from './console-workspace.styles.ts';
import type { TicketSelectEvent } from './ticket-select-event.ts';

/** What the shell needs of <console-ticket-detail> (widget/console/detail). */
interface DetailPane extends HTMLElement {
  applyLiveEvent(event: LiveEvent): void;
  focusComposer(): void;
}

/** Below this width the panes take turns. */
const narrowBelowPx = 760;

export class ConsoleWorkspace extends LitElement {
  static override properties = {
    client: { attribute: false },
    tokens: { attribute: false },
    api: { attribute: false },
    me: { attribute: false },
    server: { attribute: false },
    strings: { attribute: false },
    locale: { attribute: false },
    canSignOut: { attribute: false },
    view: { state: true },
    admin: { state: true },
    narrow: { type: Boolean, reflect: true },
  };
  static override styles = [consoleStyles, consoleWorkspaceStyles];

  declare client: ConsoleClient;
  /** Where the live connection gets its token. */
  declare tokens: TokenSource;
  declare api: ListApi;
  declare me: MeView;
  declare server: string;
  declare strings: ConsoleStrings;
  declare locale: Locale;
  declare canSignOut: boolean;
  declare view: ConsoleView;
  declare admin: boolean;
  declare narrow: boolean;
  readonly #live = new LiveController(this, () => (this.tokens ? { server: this.server, token: () => this.tokens.get() } : undefined), (event) => this.#liveEvent(event));
  readonly #resize = new ResizeObserver(([entry]) => {
    if (entry) this.narrow = entry.contentRect.width < narrowBelowPx;
  });

  constructor() {
    super();
    this.view = readView();
    this.admin = false;
    this.narrow = false;
    this.canSignOut = false;
  }

  override connectedCallback(): void {
    super.connectedCallback();
    addEventListener('popstate', this.#popstate);
    document.addEventListener('keydown', this.#keydown);
    this.#resize.observe(this);
    this.view = readView();
  }

  override disconnectedCallback(): void {
    super.disconnectedCallback();
    removeEventListener('popstate', this.#popstate);
    document.removeEventListener('keydown', this.#keydown);
    this.#resize.disconnect();
  }

  protected override firstUpdated(): void {
    this.#live.start();
  }

  get list(): ConsoleTicketList | null {
    return this.renderRoot.querySelector('console-ticket-list');
  }

  get detail(): DetailPane | null {
    return this.renderRoot.querySelector<DetailPane>('console-ticket-detail');
  }

  readonly #popstate = () => {
    this.view = readView();
  };

  readonly #keydown = (event: KeyboardEvent) => this.#shortcut(event);

  #liveEvent(event: LiveEvent): void {
    this.list?.applyLiveEvent(event);
    const detail = this.detail;
    if (detail && typeof detail.applyLiveEvent === 'function') detail.applyLiveEvent(event);
  }

  #show(view: ConsoleView, mode: 'push' | 'replace'): void {
    this.view = view;
    writeView(view, mode);
  }

  #select(ticketId: string): void {
    this.admin = false;
    if (ticketId === this.view.ticket) return;
    this.#show({ ...this.view, ticket: ticketId }, 'push');
  }

  #back(): void {
    const ticket = this.view.ticket;
    this.admin = false;
    if (this.narrow) this.#show({ ...this.view, ticket: '' }, 'push');
    void this.updateComplete.then(() => this.list?.updateComplete).then(() => this.list?.focusTicket(ticket));
  }

  /**
   * A key pressed in the console, or with nothing focused (the page's body). Shift stays allowed:
   * "/" needs it on many layouts (German: Shift+7).
   */
  #shortcut(event: KeyboardEvent): void {
    if (event.ctrlKey || event.metaKey || event.altKey || event.defaultPrevented) return;
    const path = event.composedPath();
    const target = path[0] as HTMLElement | undefined;
    if (!path.includes(this) && target !== document.body && target !== document.documentElement) return;
    const typing = !!target && (/^(INPUT|TEXTAREA|SELECT)$/.test(target.tagName) || target.isContentEditable);
    if (event.key === 'Escape') {
      if (typing && target instanceof HTMLInputElement && target.type === 'search') target.blur();
      if (this.admin || this.view.ticket) {
        event.preventDefault();
        this.#back();
      }
      return;
    }
    if (typing) return;
    const list = this.list;
    switch (event.key) {
      case 'j':
      case 'k': {
        event.preventDefault();
        const id = list?.move(event.key === 'j' ? 1 : -1);
        if (id) this.#select(id);
        return;
      }
      case 'r':
        if (!this.view.ticket) return;
        event.preventDefault();
        this.detail?.focusComposer();
        return;
      case 'a':
        if (!this.view.ticket) return;
        event.preventDefault();
        void list?.assignToMe(this.view.ticket);
        return;
      case '/':
        event.preventDefault();
        if (this.narrow && this.view.ticket) this.#show({ ...this.view, ticket: '' }, 'push');
        void this.updateComplete.then(() => this.list?.focusSearch());
        return;
      default:
        return;
    }
  }

  protected override render() {
    const t = this.strings;
    const { ticket } = this.view;
    const showDetail = this.admin || !!ticket;
    const live = this.#live.state;
    return html`
      <header part="header">
        <h1>${t.title}</h1>
        <p class="connection ${live}" role="status"><span class="dot" aria-hidden="true"></span>${t.connection[live]}</p>
        <span class="who">${this.me.name ?? this.me.email}</span>
        ${this.me.teamRole === 'admin'
          ? html`<button class="button templates" type="button" aria-pressed=${this.admin ? 'true' : 'false'} @click=${() => (this.admin = !this.admin)}>${t.templates}</button>`
          : nothing}
        ${this.canSignOut
          ? html`<button class="button sign-out" type="button" @click=${() => this.dispatchEvent(new Event('console-sign-out', { bubbles: true, composed: true }))}>${t.signOut}</button>`
          : nothing}
      </header>
      <p id="shortcuts" class="visually-hidden">${t.shortcuts}</p>
      <div class="panes" @console-ticket-select=${(e: TicketSelectEvent) => this.#select(e.ticketId)}>
        <section class="list-pane" aria-label=${t.list.label} aria-describedby="shortcuts" ?hidden=${this.narrow && showDetail}>
          <console-ticket-list
            .api=${this.api}
            .me=${this.me}
            .server=${this.server}
            .strings=${t}
            .filters=${this.view.filters}
            .selected=${ticket}
            @console-filters-change=${(e: FiltersChangeEvent) => this.#show({ ...this.view, filters: e.filters }, e.typing ? 'replace' : 'push')}
          ></console-ticket-list>
        </section>
        <section class="detail-pane" aria-label=${this.admin ? t.templates : t.detailPane} ?hidden=${this.narrow && !showDetail}>
          ${this.narrow || this.admin
            ? html`<button class="button back" type="button" @click=${() => this.#back()}>${this.admin ? t.closeTemplates : t.back}</button>`
            : nothing}
          ${this.admin
            ? html`<console-template-editor .client=${this.client} .locale=${this.locale}></console-template-editor>`
            : ticket
              ? html`<console-ticket-detail
                  .client=${this.client}
                  .ticketId=${ticket}
                  .me=${this.me}
                  .locale=${this.locale}
                  @ticket-changed=${(e: CustomEvent<{ ticket: TicketDetailView }>) => this.list?.updateTicket(e.detail.ticket)}
                ></console-ticket-detail>`
              : html`<p class="note">${t.noTicket}</p>`}
        </section>
      </div>
    `;
  }
}

if (!customElements.get('console-workspace')) customElements.define('console-workspace', ConsoleWorkspace);

declare global {
  interface HTMLElementTagNameMap {
    'console-workspace': ConsoleWorkspace;
  }
}
