/**
 * How the pane's parts hand new server state to the pane: `detail-patch` carries a function from
 * the ticket as it was to the ticket as the server now says it is (the pane owns the ticket and
 * tells the console with `ticket-changed`).
 */
import type { TicketDetailView } from '../../api/types.ts';

export type TicketUpdate = (ticket: TicketDetailView) => TicketDetailView;

export class DetailPatchEvent extends Event {
  readonly update: TicketUpdate;
  constructor(update: TicketUpdate) {
    super('detail-patch');
    this.update = update;
  }
}

/** The console's event: the ticket as the server has it now (the list updates its card). */
export type TicketChangedEvent = CustomEvent<{ ticket: TicketDetailView }>;

declare global {
  interface GlobalEventHandlersEventMap {
    'detail-patch': DetailPatchEvent;
    'ticket-changed': TicketChangedEvent;
  }
}
