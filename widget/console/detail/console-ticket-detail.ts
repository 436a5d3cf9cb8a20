/**
 * One ticket, for the team: its thread with internal notes, the composer, the ticket's properties,
 * tags, metadata, and the customer. It loads what it needs itself, applies the live events the
 * console forwards (messages, ticket changes, tags, metadata: from the event alone, no reload),
 * and tells the console whenever it has new server state for the ticket.
 *
 * @summary A ticket's detail pane.
 * @fires ticket-changed - `detail.ticket`: the ticket as the server now has it
 * @fires console-ticket-select - `event.ticketId`: the agent picked another of the customer's tickets
 * @csspart thread - the conversation
 * @csspart side - the properties, tags, fields and customer
 *
 * @example
 * <console-ticket-detail .client=${client} .ticketId=${id} .me=${me} locale="de"></console-ticket-detail>
 */
import { css, html, LitElement, nothing, type PropertyValues } from 'lit';
import type { LiveEvent, MeView, MessageView, TicketDetailView } from '../../api/types.ts';
import type { ConsoleClient } from '../api/console-client.ts';
import { createDetailApi, type DetailApi, type TagRefView, type TagView, type TeamMemberView, type TemplateView } from './detail-api.ts';
import './detail-composer.ts';
import type { ConsoleComposer } from './detail-composer.ts';
import './detail-controls.ts';
import './detail-customer.ts';
import type { DetailPatchEvent } from './detail-events.ts';
import { liveMessage, liveTicket } from './live-events.ts';
import './detail-metadata.ts';
import './detail-tags.ts';
import './detail-thread.ts';
import { detailStyles } from './detail.styles.ts';
import { describeRefusal, detailStrings, type ConsoleLocale, type DetailStrings } from './detail-strings.ts';

const byName = (a: TagRefView, b: TagRefView) => a.name.localeCompare(b.name);

export class ConsoleTicketDetail extends LitElement {
  static override properties = {
    client: { attribute: false },
    ticketId: { attribute: 'ticket-id' },
    me: { attribute: false },
    locale: { reflect: true },
    ticket: { state: true },
    messages: { state: true },
    team: { state: true },
    catalogue: { state: true },
    templates: { state: true },
    error: { state: true },
    announcement: { state: true },
  };
  static override styles = [
    detailStyles,
    css`
      :host { container-type: inline-size; }
      header { display: flex; flex-wrap: wrap; gap: 8px; align-items: baseline; margin-block-end: 12px; }
      h2 { font-size: 20px; }
      .layout { display: grid; gap: 16px; grid-template-columns: minmax(0, 1fr); }
      @container (min-width: 760px) { .layout { grid-template-columns: minmax(0, 1fr) 300px; } }
      .main { display: grid; gap: 12px; align-content: start; }
      .side { display: grid; gap: 14px; align-content: start; }
      .side section { border: 1px solid var(--tc-border); border-radius: var(--tc-radius); padding: 10px; }
      a { color: var(--tc-accent); }
    `,
  ];

  declare client: ConsoleClient;
  declare ticketId: string;
  declare me: MeView;
  declare locale: ConsoleLocale;
  declare ticket: TicketDetailView | undefined;
  declare messages: MessageView[];
  declare team: TeamMemberView[];
  declare catalogue: TagView[];
  declare templates: TemplateView[];
  declare error: string | undefined;
  declare announcement: string;
  #api: DetailApi | undefined;
  #apiClient: ConsoleClient | undefined;
  #loading = 0;
  /** Another ticket was asked for from inside the pane (the customer panel): its title takes the focus once it shows. */
  #focusWhenShown = false;

  constructor() {
    super();
    this.locale = 'en';
    this.messages = [];
    this.team = [];
    this.catalogue = [];
    this.templates = [];
    this.announcement = '';
  }

  get strings(): DetailStrings {
    return detailStrings[this.locale] ?? detailStrings.en;
  }

  get #detailApi(): DetailApi {
    if (this.#apiClient !== this.client) {
      this.#apiClient = this.client;
      this.#api = createDetailApi(this.client);
    }
    return this.#api!;
  }

  /** Puts the cursor in the composer (the console's "reply" shortcut). */
  async focusComposer(): Promise<void> {
    await this.updateComplete;
    const composer = this.renderRoot.querySelector<ConsoleComposer>('console-composer');
    await composer?.updateComplete;
    composer?.focus();
  }

  /** Applies a live event of this ticket (the console forwards every event). */
  applyLiveEvent(event: LiveEvent): void {
    const ticket = this.ticket;
    if (!ticket || event.ticketId !== ticket.id) return;
    const data = event.data;
    switch (event.kind) {
      case 'message.created': {
        const message = liveMessage(data);
        if (!message) return;
        this.#addMessage(message);
        if (message.sender.id !== this.me?.id) this.announcement = `${this.strings.newMessage(message.sender.name ?? this.strings.customerLabel)}: ${message.message.slice(0, 140)}`;
        return;
      }
      case 'ticket.updated':
        return this.#update((current) => liveTicket(current, data, this.team) ?? current);
      case 'tag.added':
      case 'tag.removed': {
        const tag = data.tag as TagRefView | undefined;
        if (!tag?.id) return;
        if (event.kind === 'tag.added' && tag.name && !this.catalogue.some((known) => known.id === tag.id)) {
          this.catalogue = [...this.catalogue, { ...tag, description: null, createdAt: event.at }];
        }
        return this.#update((current) => {
          const others = current.tags.filter((known) => known.id !== tag.id);
          const full = tag.name ? tag : this.catalogue.find((known) => known.id === tag.id);
          return { ...current, tags: event.kind === 'tag.removed' || !full ? others : [...others, { id: full.id, name: full.name, color: full.color }].sort(byName) };
        });
      }
      case 'metadata.changed': {
        const key = data.key as string | undefined;
        if (!key) return;
        return this.#update((current) => {
          const { [key]: _old, ...rest } = current.metadata;
          return { ...current, metadata: data.deleted ? rest : { ...rest, [key]: data.value as never } };
        });
      }
      default:
        return;
    }
  }

  protected override willUpdate(changed: PropertyValues<this>): void {
    if (changed.has('client')) this.team = [];
    if (changed.has('ticketId') && changed.get('ticketId')) this.#focusWhenShown = this.matches(':focus-within');
    if ((changed.has('ticketId') || changed.has('client')) && this.ticketId && this.client) void this.#load();
  }

  protected override updated(): void {
    if (!this.#focusWhenShown || this.ticket?.id !== this.ticketId) return;
    this.#focusWhenShown = false;
    this.renderRoot.querySelector('h2')?.focus();
  }

  async #load(): Promise<void> {
    const load = ++this.#loading;
    const api = this.#detailApi;
    const id = this.ticketId;
    this.error = undefined;
    if (this.ticket?.id !== id) {
      this.ticket = undefined;
      this.messages = [];
    }
    try {
      // The catalogues are the same for every ticket: loaded once per client.
      const catalogues = this.team.length ? [this.team, this.catalogue, this.templates] as const : await Promise.all([api.team(), api.tags(), api.templates()]);
      const [ticket, messages] = await Promise.all([api.getTicket(id), api.listMessages(id)]);
      if (load !== this.#loading) return;
      [this.team, this.catalogue, this.templates] = catalogues;
      this.messages = messages;
      this.#setTicket(ticket);
    } catch (error) {
      if (load === this.#loading) this.error = describeRefusal(error, this.strings);
    }
  }

  /** Applies a change to the ticket the pane has (none before it has loaded one). */
  #update(change: (ticket: TicketDetailView) => TicketDetailView): void {
    if (this.ticket) this.#setTicket(change(this.ticket));
  }

  /** New server state for the ticket: shown, and told to the console. */
  #setTicket(next: TicketDetailView): void {
    if (next === this.ticket || next.id !== this.ticketId) return;
    this.ticket = next;
    this.dispatchEvent(new CustomEvent('ticket-changed', { bubbles: true, composed: true, detail: { ticket: next } }));
  }

  #addMessage(message: MessageView): void {
    if (this.messages.some((known) => known.id === message.id)) return;
    this.messages = [...this.messages, message].sort((a, b) => Date.parse(a.createdAt) - Date.parse(b.createdAt));
    this.#update((ticket) =>
      message.isInternal
        ? { ...ticket, internalNoteCount: (ticket.internalNoteCount ?? 0) + 1 }
        : {
            ...ticket,
            messageCount: ticket.messageCount + 1,
            lastMessage: { id: message.id, preview: message.message.slice(0, 200), senderId: message.sender.id, fromTeam: message.sender.fromTeam, createdAt: message.createdAt },
          },
    );
  }

  protected override render() {
    const t = this.strings;
    const ticket = this.ticket;
    const api = this.#api;
    if (!ticket || !api) {
      return html`<div dir=${t.dir}>
        ${this.error
          ? html`<p class="alert" role="alert">${this.error}</p><button class="button" type="button" @click=${() => void this.#load()}>${t.reload}</button>`
          : html`<p class="muted" role="status">${t.loading}</p>`}
      </div>`;
    }
    const patch = (event: DetailPatchEvent) => this.#update(event.update);
    return html`<div dir=${t.dir} lang=${this.locale}>
      <header>
        <h2 tabindex="-1" dir="auto">${ticket.title}</h2>
        <span class="badge">${t.status[ticket.status]}</span>
        <span class="badge">${t.priority[ticket.priority]}</span>
      </header>
      ${this.error ? html`<p class="alert" role="alert">${this.error}</p>` : nothing}
      <div class="layout">
        <div class="main">
          <section part="thread" aria-labelledby="thread-heading">
            <h3 id="thread-heading">${t.thread}</h3>
            <console-thread .messages=${this.messages} .strings=${t} .load=${api.attachment} locale=${this.locale}></console-thread>
          </section>
          <div class="visually-hidden" aria-live="polite">${this.announcement}</div>
          <console-composer .api=${api} .ticketId=${ticket.id} .strings=${t} @message-sent=${(event: CustomEvent<{ message: MessageView }>) => this.#addMessage(event.detail.message)}></console-composer>
        </div>
        <div part="side" class="side">
          <section aria-labelledby="props-heading">
            <h3 id="props-heading">${t.controls}</h3>
            <console-ticket-controls .api=${api} .ticket=${ticket} .team=${this.team} .me=${this.me} .strings=${t} locale=${this.locale} @detail-patch=${patch}></console-ticket-controls>
          </section>
          <section aria-labelledby="tags-heading">
            <h3 id="tags-heading">${t.tags}</h3>
            <console-ticket-tags .api=${api} .ticket=${ticket} .catalogue=${this.catalogue} .strings=${t} @detail-patch=${patch}
              @catalogue-tag=${(event: CustomEvent<{ tag: TagView }>) => (this.catalogue = [...this.catalogue.filter((tag) => tag.id !== event.detail.tag.id), event.detail.tag])}></console-ticket-tags>
          </section>
          <section aria-labelledby="fields-heading">
            <h3 id="fields-heading">${t.metadata}</h3>
            <console-metadata-editor .api=${api} .ticket=${ticket} .templates=${this.templates} .strings=${t} @detail-patch=${patch}></console-metadata-editor>
          </section>
          <section aria-labelledby="customer-heading">
            <h3 id="customer-heading">${t.customer}</h3>
            <console-customer-panel .api=${api} .ticket=${ticket} .strings=${t}></console-customer-panel>
          </section>
        </div>
      </div>
    </div>`;
  }
}

if (!customElements.get('console-ticket-detail')) customElements.define('console-ticket-detail', ConsoleTicketDetail);

declare global {
  interface HTMLElementTagNameMap {
    'console-ticket-detail': ConsoleTicketDetail;
  }
}
