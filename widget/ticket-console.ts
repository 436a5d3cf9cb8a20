/**
 * `<ticket-console>`: where the team works the queue — sign-in, the filtered ticket list with
 * quick and bulk actions, the ticket's detail, and (for admins) the template editor, all live.
 * The entry of its own bundle (`/console.js`); the customer widget never loads it.
 *
 * @example
 * <script type="module" src="https://support.example.com/console.js"></script>
 * <ticket-console server="https://support.example.com"></ticket-console>
 *
 * @summary The team's console: list, detail, admin area; live.
 *
 * @attr server - where the ticket-widget server is (default: where console.js came from)
 * @attr token - a JWT of a team member (else the console asks for email and password)
 * @attr locale - `en`, `de` or `ar` (default: the page's `lang`, then the browser's language)
 *
 * @csspart header - the console's top bar
 *
 * @cssproperty --ticket-console-height - the console's height (default 100vh)
 * @cssproperty --ticket-accent - and the other `--ticket-*` colours, as on <ticket-widget>: themes both
 * @cssproperty --tc-accent - or any `--tc-*` token set on this element: themes every part of the console
 *   (the list of tokens and their defaults: console/shell/console-tokens.styles.ts)
 */
import { css, html, LitElement, nothing, type PropertyValues } from 'lit';
import { keyed } from 'lit/directives/keyed.js';
import type { ApiFailure } from './api/api-failure.ts';
import { readClaims, TokenSource } from './api/token-source.ts';
import { createConsoleClient, type ConsoleClient } from './console/api/console-client.ts';
import { createListApi, type ListApi, type MeView } from './console/api/list-api.ts';
import { en, loadConsoleStrings, supportedLocale, type ConsoleStrings, type Locale } from './console/i18n/console-strings.ts';
import type { SignedInEvent } from './console/shell/console-sign-in.ts';
import './console/shell/console-sign-in.ts';
import { consoleTokenStyles } from './console/shell/console-tokens.styles.ts';
import { consoleStyles } from './console/shell/console.styles.ts';
import './console/shell/console-workspace.ts';
// The panes the workspace shows, written alongside it: the ticket's detail and the admin's template editor.
import './console/detail/console-ticket-detail.ts';
import './console/admin/console-template-editor.ts';
import type { Identity, TokenProvider } from './widget-host.ts';

export type { Locale, TokenProvider };

type Phase = 'signed-out' | 'checking' | 'not-team' | 'ready' | 'failed';

interface Signed {
  client: ConsoleClient;
  api: ListApi;
  tokens: TokenSource;
}

export class TicketConsole extends LitElement {
  static override properties = {
    server: { type: String },
    token: { type: String },
    locale: { type: String },
    phase: { state: true },
    strings: { state: true },
  };
  static override styles = [
    consoleTokenStyles,
    consoleStyles,
    css`
      :host { block-size: var(--ticket-console-height, 100vh); background: var(--tc-bg); }
      .message { max-inline-size: 480px; margin: 48px auto; display: grid; gap: 12px; justify-items: start; }
    `,
  ];

  declare server: string;
  declare token: string | null;
  declare locale: string | null;
  declare phase: Phase;
  declare strings: ConsoleStrings;
  me: MeView | undefined;
  #signed: Signed | undefined;
  #failure: ApiFailure | undefined;
  #provider: TokenProvider | null = null;
  #generation = 0;
  #stringsLoading: Promise<void> = Promise.resolve();

  constructor() {
    super();
    this.server = new URL(import.meta.url).origin;
    this.token = null;
    this.locale = null;
    this.phase = 'signed-out';
    this.strings = en;
    this.addEventListener('console-sign-out', () => this.signOut());
    this.addEventListener('console-unauthorized', () => this.#unauthorized());
  }

  /** An async function returning a fresh token of a team member; called again before it expires. */
  get tokenProvider(): TokenProvider | null {
    return this.#provider;
  }
  set tokenProvider(provider: TokenProvider | null) {
    this.#provider = provider;
    this.#start();
  }

  /** The locale in use: the `locale` attribute, else the page's `lang` (not its own: the console sets that), else the browser's. */
  get language(): Locale {
    return supportedLocale(this.locale) ?? supportedLocale(this.parentElement?.closest('[lang]')?.getAttribute('lang')) ?? supportedLocale(navigator.language) ?? 'en';
  }

  /** Forgets the password session (a token given by the page stays until the page removes it). */
  signOut(): void {
    try {
      sessionStorage.removeItem(this.#sessionKey());
    } catch {
      // storage blocked: nothing was kept
    }
    this.#start();
  }

  /** Also waits for the locale's strings, so "rendered" means rendered in the agent's language. */
  protected override async getUpdateComplete(): Promise<boolean> {
    await this.#stringsLoading;
    return super.getUpdateComplete();
  }

  protected override willUpdate(changed: PropertyValues<this>): void {
    if (changed.has('server') || changed.has('token')) this.#start();
    const locale = this.language;
    if (this.strings.locale !== locale) {
      this.#stringsLoading = loadConsoleStrings(locale).then((strings) => {
        if (this.language === locale) this.strings = strings;
      });
    }
  }

  protected override updated(): void {
    this.dir = this.strings.dir;
    this.lang = this.strings.locale;
  }

  #sessionKey(): string {
    return `ticket-console:v1:${new URL(this.server, location.href).origin}:session`;
  }

  /** A password session kept for this tab, if it has not expired. */
  #storedToken(): string | undefined {
    try {
      const token = sessionStorage.getItem(this.#sessionKey());
      const { exp } = token ? readClaims(token) : {};
      return token && exp && exp * 1000 > Date.now() ? token : undefined;
    } catch {
      return undefined;
    }
  }

  #identity(): Identity & { fromSession?: boolean } {
    if (this.#provider) return { kind: 'provider', provider: this.#provider };
    if (this.token) return { kind: 'token', token: this.token };
    const stored = this.#storedToken();
    return stored ? { kind: 'token', token: stored, fromSession: true } : { kind: 'none' };
  }

  /** Starts over for the current identity: ask the server who it is, then show the right view. */
  #start(): void {
    const generation = ++this.#generation;
    const identity = this.#identity();
    this.#signed = undefined;
    this.me = undefined;
    if (identity.kind === 'none') {
      this.phase = 'signed-out';
      return;
    }
    this.phase = 'checking';
    const tokens = new TokenSource(identity, () => null);
    const client = createConsoleClient(this.server, tokens);
    const api = createListApi(client);
    api.me().then(
      (me) => {
        if (generation !== this.#generation) return;
        this.me = me;
        this.#signed = { client, api, tokens };
        this.phase = me.teamRole ? 'ready' : 'not-team';
      },
      (error: unknown) => {
        if (generation !== this.#generation) return;
        this.#failure = error as ApiFailure;
        if (this.#failure.code === 'unauthorized' && identity.fromSession) this.signOut();
        else this.phase = 'failed';
      },
    );
  }

  #unauthorized(): void {
    if (this.#identity().fromSession) this.signOut();
  }

  #signedIn(event: SignedInEvent): void {
    try {
      sessionStorage.setItem(this.#sessionKey(), event.session.token);
    } catch {
      // Storage blocked: the session lasts while the page does.
      this.token = event.session.token;
    }
    this.#start();
  }

  protected override render() {
    const t = this.strings;
    if (t.locale !== this.language) return nothing;
    const signed = this.#signed;
    const fromSession = !!this.#identity().fromSession;
    switch (this.phase) {
      case 'signed-out':
        return html`<console-sign-in .server=${this.server} .strings=${t} @console-signed-in=${(e: SignedInEvent) => this.#signedIn(e)}></console-sign-in>`;
      case 'checking':
        return html`<p class="note" role="status">${t.loading}</p>`;
      case 'not-team':
        return html`<div class="message"><p role="alert">${t.notTeam}</p>
          ${fromSession ? html`<button class="button" type="button" @click=${() => this.signOut()}>${t.signOut}</button>` : nothing}</div>`;
      case 'failed':
        return html`<div class="message"><p class="alert" role="alert">${this.#failure?.code === 'network' ? t.errors.network : this.#failure?.message ?? t.errors.generic}</p>
          <button class="button" type="button" @click=${() => this.#start()}>${t.errors.retry}</button></div>`;
      default:
        return keyed(
          signed!.tokens,
          html`<console-workspace
            exportparts="header"
            .client=${signed!.client}
            .tokens=${signed!.tokens}
            .api=${signed!.api}
            .me=${this.me}
            .server=${this.server.replace(/\/+$/, '')}
            .strings=${t}
            .locale=${this.language}
            .canSignOut=${fromSession}
          ></console-workspace>`,
        );
    }
  }
}

if (!customElements.get('ticket-console')) customElements.define('ticket-console', TicketConsole);

declare global {
  interface HTMLElementTagNameMap {
    'ticket-console': TicketConsole;
  }
}
