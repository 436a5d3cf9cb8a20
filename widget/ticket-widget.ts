/**
 * `<ticket-widget>`: support tickets inside any page. This is the first script a host page
 * loads, so it is plain DOM and small: it draws the launcher and its unread badge, and only when
 * the customer shows intent (hover, focus, touch, click — or at once in `mode="inline"`) does it
 * import the panel with the customer's tickets, the new-ticket form and live threads.
 *
 * @example
 * <script type="module" src="https://support.example.com/widget.js"></script>
 * <ticket-widget server="https://support.example.com" token="eyJ…"></ticket-widget>
 *
 * @summary The customer's support widget: launcher, my tickets, new ticket, live threads.
 *
 * @attr server - where the ticket-widget server is (default: where widget.js came from)
 * @attr token - a JWT your backend signed for the signed-in customer
 * @attr guest - no token: the customer starts a guest session with their email (GUEST_MODE on the server)
 * @attr mode - `floating` (default: a launcher in the corner) or `inline` (the panel in the page's flow)
 * @attr locale - `en`, `de` or `ar` (default: the page's `lang`, then the browser's language)
 * @attr open - the floating panel is open (reflects; set it to open)
 *
 * @fires ticket-created - {@link TicketCreatedEvent}: the customer opened a ticket (`event.ticket`)
 * @fires message-received - {@link MessageReceivedEvent}: a reply from the team arrived (`event.message`)
 * @fires unread-changed - {@link UnreadChangedEvent}: tickets with unseen replies (`event.count`)
 *
 * @csspart launcher - the round button that opens the panel
 * @csspart badge - the unread count on the launcher
 * @csspart panel - the panel; its regions are exported as header, title, connection, close, body,
 *   button, primary-button, list, item, status, form, field, input, error, thread, message,
 *   message-customer, message-team, attachment, banner, composer
 *
 * @cssproperty --ticket-accent - buttons, links, the launcher (default #2554c7)
 * @cssproperty --ticket-on-accent - text on the accent colour (default #fff)
 * @cssproperty --ticket-background - the panel (default #fff)
 * @cssproperty --ticket-surface - messages and cards (default #f4f5f7)
 * @cssproperty --ticket-text - text (default #1d2330)
 * @cssproperty --ticket-muted - secondary text (default #5b6475)
 * @cssproperty --ticket-border - borders (default #cfd4dc)
 * @cssproperty --ticket-danger - errors and the badge (default #b42318)
 * @cssproperty --ticket-success - the live dot (default #1a7f37)
 * @cssproperty --ticket-radius - corner radius (default 12px)
 * @cssproperty --ticket-font - font family (default the system font)
 * @cssproperty --ticket-shadow - the floating panel's shadow
 * @cssproperty --ticket-z-index - stacking of the floating launcher and panel
 * @cssproperty --ticket-offset - distance of the launcher from the corner (default 20px)
 * @cssproperty --ticket-panel-width - floating panel width (default 380px)
 * @cssproperty --ticket-panel-height - floating panel height (default 620px)
 * @cssproperty --ticket-inline-height - inline panel height (default 560px)
 */
import type { TicketDetailView, TicketPageView } from './api/types.ts';
import { MessageReceivedEvent, TicketCreatedEvent, UnreadChangedEvent } from './events.ts';
import type { TicketPanel } from './ticket-panel.ts';
import { ticketWidgetStyles } from './ticket-widget.styles.ts';
import type { Identity, Locale, TicketDraft, TokenProvider, WidgetHost } from './widget-host.ts';

export type { Identity, Locale, TicketDraft, TokenProvider } from './widget-host.ts';
export { MessageReceivedEvent, TicketCreatedEvent, UnreadChangedEvent } from './events.ts';

const svgNs = 'http://www.w3.org/2000/svg';
/** A speech bubble. */
const launcherIcon = 'M4 3h16a2 2 0 0 1 2 2v11a2 2 0 0 1-2 2H9l-5 4v-4a2 2 0 0 1-2-2V5a2 2 0 0 1 2-2zm3 6v2h10V9H7zm0-3v2h10V6H7zm0 6v2h7v-2H7z';
const launcherLabels: Record<Locale, (unread: number) => string> = {
  en: (n) => (n ? `Support, ${n} unread` : 'Support'),
  de: (n) => (n ? `Support, ${n} ungelesen` : 'Support'),
  ar: (n) => (n ? `الدعم، ${n} غير مقروءة` : 'الدعم'),
};

let sheet: CSSStyleSheet | undefined;
function adoptStyles(root: ShadowRoot): void {
  try {
    sheet ??= new CSSStyleSheet();
    if (!sheet.cssRules.length) sheet.replaceSync(ticketWidgetStyles);
    root.adoptedStyleSheets = [sheet];
  } catch {
    // Browsers without constructable stylesheets (before Safari 16.4) get a <style>: it needs
    // 'unsafe-inline' under a CSP, and such browsers are rare.
    const style = document.createElement('style');
    style.textContent = ticketWidgetStyles;
    root.append(style);
  }
}

function supportedLocale(tag: string | null | undefined): Locale | undefined {
  const language = tag?.toLowerCase().split(/[-_]/)[0];
  return language === 'en' || language === 'de' || language === 'ar' ? language : undefined;
}

/** The token's `sub` if it has not expired (read, not verified: the server verifies). */
function freshSubject(token: string): string | undefined {
  try {
    const payload = JSON.parse(atob(token.split('.')[1]!.replace(/-/g, '+').replace(/_/g, '/'))) as { exp?: number; sub?: string };
    return !payload.exp || payload.exp * 1000 > Date.now() ? payload.sub ?? 'customer' : undefined;
  } catch {
    return undefined;
  }
}

export class TicketWidget extends HTMLElement {
  static readonly observedAttributes = ['server', 'token', 'guest', 'mode', 'locale', 'open'];

  readonly #root: ShadowRoot;
  #launcher: HTMLButtonElement | undefined;
  #badge: HTMLSpanElement | undefined;
  #panel: TicketPanel | undefined;
  #loading: Promise<TicketPanel> | undefined;
  #tokenProvider: TokenProvider | null = null;
  #unread = 0;
  #interacted = false;
  #unreadCheck: Promise<void> | undefined;
  /** Bumped whenever the identity changes, so an answer for the previous customer is dropped. */
  #generation = 0;

  constructor() {
    super();
    this.#root = this.attachShadow({ mode: 'open' });
    adoptStyles(this.#root);
    const noteInteraction = (event: Event) => {
      if (event.isTrusted && !this.#interacted) {
        this.#interacted = true;
        this.#panel?.interactionStarted();
      }
    };
    for (const type of ['pointerdown', 'keydown', 'drop', 'paste']) this.#root.addEventListener(type, noteInteraction, { capture: true });
  }

  connectedCallback(): void {
    this.#render();
    if (this.inline || this.hasAttribute('open') || this.#hasQueuedReplies()) this.#prefetch();
    else void this.#checkUnread();
  }

  attributeChangedCallback(name: string, previous: string | null, value: string | null): void {
    if (previous === value || !this.isConnected) return;
    if (name === 'open') {
      // Opened by markup or by script: show it, but leave focus where it is (open() moves it).
      if (value !== null) void this.#load().then(() => this.#sync(), () => undefined);
      this.#sync();
      return;
    }
    if (name === 'mode') this.#render();
    this.#sync();
    if (name === 'token' || name === 'guest' || name === 'server') {
      this.#generation += 1;
      this.#setUnread(0);
      void this.#checkUnread();
    }
  }

  /** Where the server is: the `server` attribute, else the origin widget.js was loaded from. */
  get server(): string {
    return (this.getAttribute('server') ?? new URL(import.meta.url).origin).replace(/\/+$/, '');
  }
  set server(value: string) {
    this.setAttribute('server', value);
  }

  get token(): string | null {
    return this.getAttribute('token');
  }
  set token(value: string | null) {
    if (value) this.setAttribute('token', value);
    else this.removeAttribute('token');
  }

  /**
   * An async function that returns a fresh token for the signed-in customer; called when the
   * widget needs one and again before it expires. Set `null` when the customer signs out.
   */
  get tokenProvider(): TokenProvider | null {
    return this.#tokenProvider;
  }
  set tokenProvider(provider: TokenProvider | null) {
    this.#tokenProvider = provider;
    this.#generation += 1;
    if (!this.isConnected) return;
    this.#setUnread(0);
    this.#sync();
    void this.#checkUnread();
  }

  get inline(): boolean {
    return this.getAttribute('mode') === 'inline';
  }

  get locale(): Locale {
    const own = this.getAttribute('locale');
    const page = this.closest('[lang]')?.getAttribute('lang');
    return supportedLocale(own) ?? supportedLocale(page) ?? supportedLocale(navigator.language) ?? 'en';
  }

  get isOpen(): boolean {
    return this.inline || this.hasAttribute('open');
  }

  /** Tickets with replies the customer has not seen. */
  get unreadCount(): number {
    return this.#unread;
  }

  /** Resolves when the panel (if loaded) has rendered. */
  get updateComplete(): Promise<boolean> {
    return this.#panel?.updateComplete ?? Promise.resolve(true);
  }

  /** Opens the panel (loading it first if needed) and moves focus into it. */
  async open(): Promise<void> {
    if (!this.inline && !this.hasAttribute('open')) this.setAttribute('open', '');
    const panel = await this.#load();
    this.#sync();
    await panel.updateComplete;
    panel.focusView();
  }

  /** Closes the floating panel and returns focus to the launcher if it was inside. */
  close(): void {
    const hadFocus = this.#root.activeElement !== null && this.#root.activeElement !== this.#launcher;
    this.removeAttribute('open');
    this.#sync();
    if (hadFocus) this.#launcher?.focus();
  }

  /** Opens the new-ticket form, pre-filled with what the host page knows. */
  async newTicket(draft: TicketDraft = {}): Promise<void> {
    await this.open();
    this.#panel!.showNewTicket(draft);
  }

  #identity(): Identity {
    if (this.#tokenProvider) return { kind: 'provider', provider: this.#tokenProvider };
    const token = this.getAttribute('token');
    if (token) return { kind: 'token', token };
    if (this.hasAttribute('guest')) return { kind: 'guest' };
    return { kind: 'none' };
  }

  #storageKey(name: string, userId?: string): string {
    return `ticket-widget:v1:${new URL(this.server, location.href).origin}${userId ? `:${userId}` : ''}:${name}`;
  }

  #host(): WidgetHost {
    // A live view of the element, so the panel always reads the current attributes.
    const widget = this;
    return {
      element: this,
      get server() { return widget.server; },
      get identity() { return widget.#identity(); },
      get locale() { return widget.locale; },
      get inline() { return widget.inline; },
      get interacted() { return widget.#interacted; },
      get isOpen() { return widget.isOpen; },
      storageKey: (name, userId) => this.#storageKey(name, userId),
      requestClose: () => this.close(),
      ticketCreated: (ticket: TicketDetailView) => this.dispatchEvent(new TicketCreatedEvent(ticket)),
      messageReceived: (message) => this.dispatchEvent(new MessageReceivedEvent(message)),
      unreadChanged: (count) => this.#setUnread(count),
    };
  }

  #render(): void {
    if (this.inline) {
      this.#launcher?.remove();
      this.#launcher = undefined;
    } else if (!this.#launcher) {
      const launcher = document.createElement('button');
      launcher.type = 'button';
      launcher.part.add('launcher');
      launcher.className = 'launcher';
      launcher.setAttribute('aria-haspopup', 'dialog');
      const icon = document.createElementNS(svgNs, 'svg');
      icon.setAttribute('viewBox', '0 0 24 24');
      icon.setAttribute('aria-hidden', 'true');
      const path = document.createElementNS(svgNs, 'path');
      path.setAttribute('d', launcherIcon);
      icon.append(path);
      const badge = document.createElement('span');
      badge.className = 'badge';
      badge.part.add('badge');
      badge.setAttribute('aria-hidden', 'true');
      launcher.append(icon, badge);
      const intent = () => this.#prefetch();
      launcher.addEventListener('pointerenter', intent);
      launcher.addEventListener('focus', intent);
      launcher.addEventListener('touchstart', intent, { passive: true });
      launcher.addEventListener('click', () => (this.hasAttribute('open') ? this.close() : this.open().catch(() => this.removeAttribute('open'))));
      this.#launcher = launcher;
      this.#badge = badge;
      this.#root.prepend(launcher);
    }
    this.#sync();
  }

  /** Brings the launcher and the panel in line with the attributes. */
  #sync(): void {
    const open = this.isOpen;
    const locale = this.locale;
    const dir = this.getAttribute('dir') ?? (locale === 'ar' ? 'rtl' : 'ltr');
    if (this.#launcher && this.#badge) {
      this.#launcher.dir = dir;
      this.#launcher.setAttribute('aria-expanded', String(open));
      this.#launcher.setAttribute('aria-label', launcherLabels[locale](this.#unread));
      this.#badge.textContent = this.#unread > 99 ? '99+' : String(this.#unread);
      this.#badge.hidden = this.#unread === 0;
      if (this.#panel) this.#launcher.setAttribute('aria-controls', this.#panel.id);
    }
    if (this.#panel) {
      this.#panel.hidden = !open;
      this.#panel.dir = dir;
      this.#panel.lang = locale;
      this.#panel.classList.toggle('inline', this.inline);
      this.#panel.hostChanged();
    }
  }

  #setUnread(count: number): void {
    if (count === this.#unread) return;
    this.#unread = count;
    this.#sync();
    this.dispatchEvent(new UnreadChangedEvent(count));
  }

  /** Replies queued while offline must go out even if the customer never opens the panel again. */
  #hasQueuedReplies(): boolean {
    try {
      return localStorage.getItem(this.#storageKey('outbox')) !== null;
    } catch {
      return false;
    }
  }

  /** Loads the panel without waiting for it; a failure (offline) waits for the next intent. */
  #prefetch(): void {
    this.#load().catch(() => undefined);
  }

  #load(): Promise<TicketPanel> {
    this.#loading ??= import('./ticket-panel.ts').catch((error: unknown) => {
      // Offline, say: the next intent tries again.
      this.#loading = undefined;
      throw error;
    }).then(() => {
      const panel = document.createElement('ticket-panel');
      panel.id = 'panel';
      panel.className = 'panel';
      panel.part.add('panel');
      panel.setAttribute(
        'exportparts',
        'header, title, connection, close, body, button, primary-button, list, item, status, form, field, input, error, thread, message, message-customer, message-team, attachment, banner, composer',
      );
      panel.host = this.#host();
      this.#panel = panel;
      this.#root.append(panel);
      this.#sync();
      return panel;
    });
    return this.#loading;
  }

  /**
   * Before the panel is loaded, one request tells the launcher how many tickets have replies
   * the customer has not seen (the panel keeps it current afterwards). Reads storage, never writes.
   */
  #checkUnread(): Promise<void> | undefined {
    if (this.#panel || this.inline) return;
    const identity = this.#identity();
    const generation = this.#generation;
    const check = async () => {
      let token: string | null = null;
      if (identity.kind === 'token') token = identity.token;
      else if (identity.kind === 'provider') token = await identity.provider();
      else if (identity.kind === 'guest') token = localStorage.getItem(this.#storageKey('guest-token'));
      const userKey = token && freshSubject(token);
      if (!token || !userKey) return;
      const response = await fetch(`${this.server}/api/v1/tickets?limit=100`, { headers: { authorization: `Bearer ${token}` } });
      if (!response.ok || this.#panel) return;
      const page = (await response.json()) as TicketPageView;
      // Seen markers are kept by the panel, per customer (the token's sub), as ISO instants.
      const seen = JSON.parse(localStorage.getItem(this.#storageKey('seen', userKey)) ?? '{}') as Record<string, string>;
      const seenAt = (id: string) => (seen[id] ? Date.parse(seen[id]) : 0);
      const unread = page.items.filter((t) => t.lastMessage?.fromTeam && Date.parse(t.lastMessage.createdAt) > seenAt(t.id)).length;
      if (generation === this.#generation) this.#setUnread(unread);
    };
    this.#unreadCheck = check().catch(() => undefined);
    return this.#unreadCheck;
  }
}

if (!customElements.get('ticket-widget')) customElements.define('ticket-widget', TicketWidget);

declare global {
  interface HTMLElementTagNameMap {
    'ticket-widget': TicketWidget;
  }
}
