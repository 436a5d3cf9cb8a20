/**
 * Who asked: the customer's name and email, and their other tickets (the team's `customer` filter
 * on the ticket list), each a button that asks the console to open it.
 *
 * @summary The customer and their other tickets.
 * @fires console-ticket-select - {@link TicketSelectEvent}: the agent picked one of the other tickets (`event.ticketId`)
 */
import { css, html, LitElement, nothing, type PropertyValues } from 'lit';
import { TicketSelectEvent } from '../shell/ticket-select-event.ts';
import type { DetailApi, TicketDetailView, TicketSummaryView } from './detail-api.ts';
import { detailStyles } from './detail.styles.ts';
import { describeRefusal, type DetailStrings } from './detail-strings.ts';

export class ConsoleCustomerPanel extends LitElement {
  static override properties = { api: { attribute: false }, ticket: { attribute: false }, strings: { attribute: false }, others: { state: true }, error: { state: true } };
  static override styles = [
    detailStyles,
    css`
      :host { display: grid; gap: 6px; }
      .who { overflow-wrap: anywhere; }
      ul { display: grid; gap: 4px; }
      li button { display: flex; gap: 6px; inline-size: 100%; text-align: start; align-items: baseline; justify-content: space-between; }
    `,
  ];

  declare api: DetailApi;
  declare ticket: TicketDetailView;
  declare strings: DetailStrings;
  declare others: TicketSummaryView[] | undefined;
  declare error: string | undefined;
  #loadedFor = '';

  protected override willUpdate(changed: PropertyValues<this>): void {
    const customerId = this.ticket?.customer.id;
    if (changed.has('ticket') && customerId && `${customerId}/${this.ticket.id}` !== this.#loadedFor) {
      this.#loadedFor = `${customerId}/${this.ticket.id}`;
      void this.#load(customerId, this.ticket.id);
    }
  }

  async #load(customerId: string, ticketId: string): Promise<void> {
    this.others = undefined;
    this.error = undefined;
    try {
      const tickets = await this.api.customerTickets(customerId);
      if (this.#loadedFor === `${customerId}/${ticketId}`) this.others = tickets.filter((ticket) => ticket.id !== ticketId);
    } catch (error) {
      this.error = describeRefusal(error, this.strings);
    }
  }

  protected override render() {
    if (!this.ticket) return nothing;
    const t = this.strings;
    const { name, email } = this.ticket.customer;
    return html`
      <p class="who"><strong>${name ?? email ?? t.customer}</strong>${email ? html`<br /><a href="mailto:${email}">${email}</a>` : nothing}</p>
      <h4>${t.otherTickets}</h4>
      ${this.error ? html`<p class="error" role="alert">${this.error}</p>` : nothing}
      ${this.others === undefined
        ? nothing
        : this.others.length
          ? html`<ul>${this.others.map((ticket) => html`<li><button class="button" type="button" data-ticket=${ticket.id}
              @click=${() => this.dispatchEvent(new TicketSelectEvent(ticket.id))}>
              <span>${ticket.title}</span><span class="badge">${t.status[ticket.status]}</span></button></li>`)}</ul>`
          : html`<p class="muted">${t.noOtherTickets}</p>`}
    `;
  }
}

if (!customElements.get('console-customer-panel')) customElements.define('console-customer-panel', ConsoleCustomerPanel);

declare global {
  interface HTMLElementTagNameMap {
    'console-customer-panel': ConsoleCustomerPanel;
  }
}
