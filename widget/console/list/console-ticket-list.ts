/**
 * `<console-ticket-list>`: the queue. Filters on top, then the tickets as cards with quick
 * actions, bulk selection with a bulk action, and "load more" (keyset pages). Changes show at
 * once and are rolled back, with a message saying why, when the server refuses them. Live events
 * (handed in by the shell) place, update or remove tickets as the filters say.
 *
 * @summary The ticket list with filters, quick actions and bulk actions.
 * @fires console-ticket-select - {@link TicketSelectEvent}: the agent opened a ticket (`event.ticketId`)
 * @fires console-filters-change - from the filters: the agent changed what the list shows
 * @fires console-unauthorized - the server no longer accepts the token
 */
import { html, LitElement, nothing, type PropertyValues } from 'lit';
import type { ApiFailure } from '../../api/api-failure.ts';
import type { LiveEvent } from '../../api/types.ts';
import type { ListApi, MeView, TagView, TeamMemberView, TicketChange, TicketStatus, TicketSummaryView } from '../api/list-api.ts';
import type { ConsoleStrings } from '../i18n/console-strings.ts';
import { consoleStyles } from '../shell/console.styles.ts';
import { TicketSelectEvent } from '../shell/ticket-select-event.ts';
import { defaultFilters, sameFilters, statuses, type ListFilters } from '../state/list-filters.ts';
import { ListStore, type Refusal } from '../state/list-store.ts';
import { SeenStore } from '../state/seen-store.ts';
import { consoleTicketListStyles } from './console-ticket-list.styles.ts';
import './console-list-filters.ts';
import { ticketCard, type CardActions } from './ticket-card.ts';

interface Notice {
  id: number;
  text: string;
}

export class ConsoleTicketList extends LitElement {
  static override properties = {
    api: { attribute: false },
    me: { attribute: false },
    server: { attribute: false },
    strings: { attribute: false },
    filters: { attribute: false },
    selected: { attribute: false },
    picked: { state: true },
    notices: { state: true },
    team: { state: true },
    tags: { state: true },
  };
  static override styles = [consoleStyles, consoleTicketListStyles];

  declare api: ListApi;
  declare me: MeView;
  declare server: string;
  declare strings: ConsoleStrings;
  declare filters: ListFilters;
  /** The open ticket's id ('' for none). */
  declare selected: string;
  declare picked: ReadonlySet<string>;
  declare notices: Notice[];
  declare team: TeamMemberView[];
  declare tags: TagView[];
  store: ListStore | undefined;
  #seen: SeenStore | undefined;
  #noticeId = 0;
  #loadedFilters: ListFilters | undefined;

  constructor() {
    super();
    this.filters = defaultFilters;
    this.selected = '';
    this.picked = new Set();
    this.notices = [];
    this.team = [];
    this.tags = [];
  }

  /** The tickets shown, in order. */
  get tickets(): TicketSummaryView[] {
    return this.store?.items ?? [];
  }

  protected override willUpdate(changed: PropertyValues<this>): void {
    if (changed.has('api') && this.api) {
      this.store?.dispose();
      this.store = new ListStore(this.api, () => {
        this.requestUpdate();
        if (this.store?.failure?.code === 'unauthorized') this.dispatchEvent(new Event('console-unauthorized', { bubbles: true, composed: true }));
      });
      this.#loadedFilters = undefined;
      void this.api.team().then((team) => (this.team = team), () => undefined);
      void this.api.tags().then((tags) => (this.tags = tags), () => undefined);
    }
    if ((changed.has('me') || changed.has('server')) && this.me && this.server) this.#seen = new SeenStore(this.server, this.me.id);
    if (this.store && (!this.#loadedFilters || !sameFilters(this.#loadedFilters, this.filters))) {
      this.#loadedFilters = this.filters;
      this.picked = new Set();
      void this.store.load(this.filters);
    }
    const open = this.selected ? this.store?.get(this.selected) : undefined;
    if (open) this.#seen?.markSeen(open);
  }

  override disconnectedCallback(): void {
    super.disconnectedCallback();
    this.store?.dispose();
  }

  /** A live event: the ticket is looked up again under the current filters. */
  applyLiveEvent(event: LiveEvent): void {
    const store = this.store;
    if (!store || event.kind === 'metadata.changed') return;
    const known = store.get(event.ticketId);
    const customerId = known?.customer.id ?? (event.data.ticket as { customerId?: string } | undefined)?.customerId;
    if (customerId) void store.refresh(event.ticketId, customerId);
    // Not shown and the event does not say whose it is: only a new tag can make it belong.
    else if (event.kind === 'tag.added' && this.filters.tag) void this.api.ticket(event.ticketId).then((ticket) => store.refresh(ticket.id, ticket.customer.id), () => undefined);
  }

  /** Newer state of a ticket (the detail pane saved or loaded it). */
  updateTicket(ticket: TicketSummaryView): void {
    this.store?.update(ticket);
    if (ticket.id === this.selected) this.#seen?.markSeen(ticket);
  }

  /** Opens the next (+1) or previous (-1) ticket and puts focus on it; returns its id. */
  move(step: 1 | -1): string | undefined {
    const items = this.tickets;
    if (!items.length) return undefined;
    const at = items.findIndex((ticket) => ticket.id === this.selected);
    const next = items[at < 0 ? (step > 0 ? 0 : items.length - 1) : Math.min(items.length - 1, Math.max(0, at + step))]!;
    this.#open(next.id);
    void this.updateComplete.then(() => this.focusTicket(next.id));
    return next.id;
  }

  focusTicket(id = this.selected): void {
    this.renderRoot.querySelector<HTMLElement>(`.card[data-id="${CSS.escape(id)}"] .open`)?.focus();
  }

  focusSearch(): void {
    this.renderRoot.querySelector('console-list-filters')?.focusSearch();
  }

  /** Assigns a ticket to the signed-in agent (the `a` shortcut and the card's button). */
  assignToMe(id: string): Promise<void> {
    return this.#change([id], { assigneeId: this.me.id }, (ticket) => ({ ...ticket, assignee: { id: this.me.id, name: this.me.name } }));
  }

  readonly #actions: CardActions = {
    open: (id) => this.#open(id),
    pick: (id, on) => {
      const picked = new Set(this.picked);
      if (on) picked.add(id);
      else picked.delete(id);
      this.picked = picked;
    },
    assignToMe: (id) => {
      void this.assignToMe(id);
      // The button goes away once the ticket is the agent's: keep focus on the card.
      void this.updateComplete.then(() => this.focusTicket(id));
    },
    setStatus: (id, status) => void this.#change([id], { status }, (ticket) => ({ ...ticket, status })),
    setPriority: (id, priority) => void this.#change([id], { priority }, (ticket) => ({ ...ticket, priority })),
  };

  #open(id: string): void {
    this.dispatchEvent(new TicketSelectEvent(id));
  }

  async #change(ids: string[], change: TicketChange, apply: (ticket: TicketSummaryView) => TicketSummaryView): Promise<void> {
    if (!this.store) return;
    const refusals = await this.store.change(ids, change, apply);
    if (refusals.length) this.notices = [...this.notices, ...refusals.map((refusal) => ({ id: ++this.#noticeId, text: this.#refusalText(refusal) }))];
  }

  #refusalText({ id, failure }: Refusal): string {
    const title = this.store?.get(id)?.title ?? id;
    const t = this.strings.refused;
    if (failure.code === 'conflict') return t.conflict(title);
    if (failure.code === 'forbidden') return t.forbidden(title);
    return `${t.other(title)} ${failure.code === 'network' ? this.strings.errors.network : failure.message}`;
  }

  #bulkStatus(): void {
    const select = this.renderRoot.querySelector<HTMLSelectElement>('#bulk-status')!;
    const status = select.value as TicketStatus;
    void this.#change([...this.picked], { status }, (ticket) => ({ ...ticket, status }));
  }

  protected override render() {
    const t = this.strings;
    const store = this.store;
    const items = this.tickets;
    const allPicked = items.length > 0 && items.every((ticket) => this.picked.has(ticket.id));
    return html`
      <console-list-filters .filters=${this.filters} .strings=${t} .team=${this.team} .tags=${this.tags}></console-list-filters>
      <div class="notices" role="alert">
        ${this.notices.map(
          (notice) => html`<p class="alert notice">${notice.text}
            <button class="button dismiss" type="button" @click=${() => (this.notices = this.notices.filter((n) => n !== notice))}>${t.refused.dismiss}</button></p>`,
        )}
      </div>
      <div class="bulk">
        <label class="check"><input type="checkbox" class="pick-all" .checked=${allPicked} ?disabled=${!items.length}
          @change=${(e: Event) => (this.picked = (e.target as HTMLInputElement).checked ? new Set(items.map((ticket) => ticket.id)) : new Set())} />${t.bulk.selectAll}</label>
        ${this.picked.size
          ? html`<span class="count">${t.bulk.selected(this.picked.size)}</span>
              <select id="bulk-status" aria-label=${t.bulk.status}>${statuses.map((status) => html`<option value=${status}>${t.status[status]}</option>`)}</select>
              <button class="button bulk-apply" type="button" @click=${() => this.#bulkStatus()}>${t.bulk.apply}</button>
              <button class="button bulk-assign" type="button"
                @click=${() => void this.#change([...this.picked], { assigneeId: this.me.id }, (ticket) => ({ ...ticket, assignee: { id: this.me.id, name: this.me.name } }))}>${t.bulk.assignToMe}</button>
              <button class="button bulk-clear" type="button" @click=${() => (this.picked = new Set())}>${t.bulk.clear}</button>`
          : nothing}
      </div>
      <p class="visually-hidden" role="status">${store?.phase === 'ready' ? t.list.shown(items.length) : ''}</p>
      ${store?.phase === 'loading' ? html`<p class="note">${t.list.loading}</p>` : nothing}
      ${store?.phase === 'failed' ? html`<p class="alert" role="alert">${this.#failureText(store.failure)}
          <button class="button" type="button" @click=${() => void store.load(this.filters)}>${t.errors.retry}</button></p>` : nothing}
      ${store?.phase === 'ready' && !items.length ? html`<p class="note empty">${t.list.empty}</p>` : nothing}
      <ul class="tickets" aria-label=${t.list.label} ?hidden=${!items.length}>
        ${items.map((ticket) =>
          ticketCard(ticket, {
            selected: ticket.id === this.selected,
            picked: this.picked.has(ticket.id),
            unread: ticket.id !== this.selected && (this.#seen?.isUnread(ticket) ?? false),
            pending: store?.pending.has(ticket.id) ?? false,
            mine: ticket.assignee?.id === this.me.id,
          }, t, this.#actions),
        )}
      </ul>
      ${store?.nextCursor && store.phase === 'ready'
        ? html`<button class="button more" type="button" aria-busy=${store.loadingMore ? 'true' : 'false'} @click=${() => void store.loadMore()}>${store.loadingMore ? t.list.loadingMore : t.list.more}</button>`
        : nothing}
      ${store?.phase === 'ready' && store.failure ? html`<p class="alert" role="alert">${this.#failureText(store.failure)}</p>` : nothing}
    `;
  }

  #failureText(failure: ApiFailure | undefined): string {
    return failure?.code === 'network' ? this.strings.errors.network : failure?.message ?? this.strings.errors.generic;
  }
}

if (!customElements.get('console-ticket-list')) customElements.define('console-ticket-list', ConsoleTicketList);

declare global {
  interface HTMLElementTagNameMap {
    'console-ticket-list': ConsoleTicketList;
  }
}
