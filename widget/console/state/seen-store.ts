/**
 * Unread, per agent, kept in this browser: when the agent last looked at each ticket (the time
 * of its newest public message then). A ticket is unread when someone else has written since.
 * Stored under the server's origin and the agent's id, pruned to the most recent entries.
 */
import type { TicketSummaryView } from '../api/list-api.ts';

const maxEntries = 2000;

export class SeenStore {
  readonly #key: string;
  readonly #userId: string;
  #seen: Record<string, string>;

  constructor(server: string, userId: string) {
    this.#key = `ticket-console:v1:${new URL(server, location.href).origin}:${userId}:seen`;
    this.#userId = userId;
    this.#seen = this.#read();
  }

  isUnread(ticket: TicketSummaryView): boolean {
    const last = ticket.lastMessage;
    if (!last || last.senderId === this.#userId) return false;
    const seen = this.#seen[ticket.id];
    return !seen || Date.parse(last.createdAt) > Date.parse(seen);
  }

  markSeen(ticket: TicketSummaryView): void {
    const at = ticket.lastMessage?.createdAt;
    if (!at || this.#seen[ticket.id] === at) return;
    const entries = Object.entries({ ...this.#read(), [ticket.id]: at })
      .sort((a, b) => Date.parse(b[1]) - Date.parse(a[1]))
      .slice(0, maxEntries);
    this.#seen = Object.fromEntries(entries);
    try {
      localStorage.setItem(this.#key, JSON.stringify(this.#seen));
    } catch {
      // Storage full or blocked: unread is kept for this page only.
    }
  }

  #read(): Record<string, string> {
    try {
      return JSON.parse(localStorage.getItem(this.#key) ?? '{}') as Record<string, string>;
    } catch {
      return {};
    }
  }
}
