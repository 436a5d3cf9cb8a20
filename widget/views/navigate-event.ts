/** Views ask the panel to show another view with this event (inside the panel only: not composed). */
import type { TicketDraft } from '../widget-host.ts';

export type ViewRequest = { view: 'list' } | { view: 'new'; draft?: TicketDraft } | { view: 'thread'; ticketId: string };

export class NavigateEvent extends Event {
  readonly request: ViewRequest;
  constructor(request: ViewRequest) {
    super('ticket-navigate', { bubbles: true });
    this.request = request;
  }
}

declare global {
  interface GlobalEventHandlersEventMap {
    'ticket-navigate': NavigateEvent;
  }
}
