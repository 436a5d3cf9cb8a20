/**
 * What the first script (<ticket-widget>) hands the lazily loaded panel. The panel imports
 * nothing from the first script at run time — only these types — so a host page that loads
 * `widget.js?v=2` (another URL, another module instance) still gets exactly one of each.
 */
import type { MessageView, TicketDetailView } from './api/types.ts';

export type TokenProvider = () => string | Promise<string>;

/** Who the customer is, as the host page said it. */
export type Identity =
  | { kind: 'token'; token: string }
  | { kind: 'provider'; provider: TokenProvider }
  | { kind: 'guest' }
  | { kind: 'none' };

export type Locale = 'en' | 'de' | 'ar';

/** Values a host page may pre-fill in the new-ticket form (`widget.newTicket({...})`). */
export interface TicketDraft {
  title?: string;
  description?: string;
  templateId?: string;
  fields?: Record<string, unknown>;
}

export interface WidgetHost {
  /** The <ticket-widget> element: events are dispatched from it. */
  readonly element: HTMLElement;
  /** Origin (and optional path) of the server, no trailing slash. */
  readonly server: string;
  readonly identity: Identity;
  readonly locale: Locale;
  readonly inline: boolean;
  /** True once the customer has pressed, typed, dropped or pasted inside the widget: only then may it write to storage. */
  readonly interacted: boolean;
  /** Whether the panel is on screen (always, inline). */
  readonly isOpen: boolean;
  /** The localStorage key for one kind of state, scoped to this server (and user, when given). */
  storageKey(name: string, userId?: string): string;
  /** The floating panel asks to close (close button, Escape). */
  requestClose(): void;
  ticketCreated(ticket: TicketDetailView): void;
  messageReceived(message: MessageView): void;
  unreadChanged(count: number): void;
}
