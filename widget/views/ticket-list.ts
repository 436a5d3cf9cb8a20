/**
 * My tickets: each with its status, the last message and whether a reply is unread, most
 * recent first; a button to open a new one.
 *
 * @summary The customer's tickets.
 * @csspart list - the list
 * @csspart item - one ticket
 * @csspart status - a ticket's status
 * @csspart primary-button - "New ticket"
 */
import { html, LitElement, nothing } from 'lit';
import type { TicketSummaryView } from '../api/types.ts';
import { relativeTime } from '../i18n/format.ts';
import type { Strings } from '../i18n/strings.ts';
import type { WidgetSession } from '../state/session.ts';
import { SessionController } from '../state/session-controller.ts';
import { describeFailure } from './describe-failure.ts';
import { NavigateEvent } from './navigate-event.ts';
import { sharedStyles } from './shared.styles.ts';
import { ticketListStyles } from './ticket-list.styles.ts';

export class TicketList extends LitElement {
  static override properties = {
    session: { attribute: false },
    strings: { attribute: false },
  };
  static override styles = [sharedStyles, ticketListStyles];

  declare session: WidgetSession;
  declare strings: Strings;

  constructor() {
    super();
    new SessionController(this, () => this.session);
  }

  override connectedCallback(): void {
    super.connectedCallback();
    // Coming back to the list: catch up with anything the live stream could not tell.
    if (this.session && this.session.listStatus !== 'loading') void this.session.loadTickets();
  }

  focusHeading(): void {
    this.renderRoot.querySelector('h3')?.focus();
  }

  #item(ticket: TicketSummaryView) {
    const t = this.strings;
    const session = this.session;
    const unread = session.isUnread(ticket);
    const last = ticket.lastMessage;
    const who = last ? (last.fromTeam ? t.list.team : t.list.you) : '';
    return html`<li>
      <button part="item" class="item ${unread ? 'unread' : ''}" type="button" @click=${() => this.dispatchEvent(new NavigateEvent({ view: 'thread', ticketId: ticket.id }))}>
        <span class="row">
          <span class="title">${ticket.title}</span>
          <span part="status" class="badge status-${ticket.status}">${t.status[ticket.status]}</span>
        </span>
        ${last ? html`<span class="preview">${who}: ${last.preview}</span>` : nothing}
        <span class="row meta">
          <span class="muted">${relativeTime(ticket.updatedAt, t.locale)}</span>
          ${unread ? html`<span class="unread-label"><span class="dot" aria-hidden="true"></span>${t.list.unread}</span>` : nothing}
        </span>
      </button>
    </li>`;
  }

  protected override render() {
    const t = this.strings;
    const session = this.session;
    const tickets = session.ticketList;
    return html`
      <div class="top">
        <h3 tabindex="-1">${t.list.title}</h3>
        <button part="primary-button" class="button primary" type="button" @click=${() => this.dispatchEvent(new NavigateEvent({ view: 'new' }))}>${t.list.newTicket}</button>
      </div>
      ${session.listStatus === 'error' ? html`<p class="alert" role="alert">${describeFailure(session.listError, t)}</p>` : nothing}
      ${tickets.length
        ? html`<ul part="list" class="list">${tickets.map((ticket) => this.#item(ticket))}</ul>`
        : session.listStatus === 'loading' || session.listStatus === 'idle'
          ? html`<p class="muted empty" role="status">${t.list.loading}</p>`
          : session.listStatus === 'ready'
            ? html`<p class="empty">${t.list.empty}</p>`
            : nothing}
      ${session.nextCursor
        ? html`<button part="button" class="button more" type="button" ?disabled=${session.listStatus === 'loading'} @click=${() => session.loadTickets(true)}>${t.list.more}</button>`
        : nothing}
    `;
  }
}

if (!customElements.get('ticket-list')) customElements.define('ticket-list', TicketList);

declare global {
  interface HTMLElementTagNameMap {
    'ticket-list': TicketList;
  }
}
