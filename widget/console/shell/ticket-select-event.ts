/**
 * The one event that opens a ticket in the console, whoever asks: the list (a card, j/k) or the
 * detail pane (one of the customer's other tickets). It bubbles out of every shadow root to the
 * workspace, which opens the ticket and puts it in the URL.
 *
 * @example this.dispatchEvent(new TicketSelectEvent(ticket.id));
 */
export class TicketSelectEvent extends Event {
  static readonly type = 'console-ticket-select';
  readonly ticketId: string;
  constructor(ticketId: string) {
    super(TicketSelectEvent.type, { bubbles: true, composed: true });
    this.ticketId = ticketId;
  }
}

declare global {
  interface GlobalEventHandlersEventMap {
    'console-ticket-select': TicketSelectEvent;
  }
}
