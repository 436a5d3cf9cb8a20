/** The events <ticket-widget> fires: typed, bubbling and composed, so a host page can listen anywhere. */
import type { MessageView, TicketDetailView } from './api/types.ts';

/** The customer opened a ticket. */
export class TicketCreatedEvent extends Event {
  readonly ticket: TicketDetailView;
  constructor(ticket: TicketDetailView) {
    super('ticket-created', { bubbles: true, composed: true });
    this.ticket = ticket;
  }
}

/** A reply from the team arrived (live, while the widget is loaded). */
export class MessageReceivedEvent extends Event {
  readonly message: MessageView;
  constructor(message: MessageView) {
    super('message-received', { bubbles: true, composed: true });
    this.message = message;
  }
}

/** The number of tickets with replies the customer has not seen changed. */
export class UnreadChangedEvent extends Event {
  readonly count: number;
  constructor(count: number) {
    super('unread-changed', { bubbles: true, composed: true });
    this.count = count;
  }
}

declare global {
  interface GlobalEventHandlersEventMap {
    'ticket-created': TicketCreatedEvent;
    'message-received': MessageReceivedEvent;
    'unread-changed': UnreadChangedEvent;
  }
}
