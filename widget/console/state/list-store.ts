/**
 * The tickets the list shows: the first page for the current filters, more pages on request
 * (keyset cursors, never a duplicate), quick changes applied at once and rolled back when the
 * server refuses them, and tickets placed, updated or taken out as live events say — a ticket
 * is placed only where the filters say it belongs, which the server decides (the same query,
 * narrowed to the ticket's customer), so text search matches exactly as a reload would.
 */
import type { ApiFailure } from '../../api/api-failure.ts';
import type { ListApi, TicketChange, TicketSummaryView } from '../api/list-api.ts';
import { compareTickets, ticketQuery, type ListFilters } from './list-filters.ts';

export type ListPhase = 'loading' | 'ready' | 'failed';
const pageSize = '25';

export interface Refusal {
  id: string;
  failure: ApiFailure;
}

export class ListStore {
  items: TicketSummaryView[] = [];
  nextCursor: string | null = null;
  phase: ListPhase = 'loading';
  loadingMore = false;
  failure: ApiFailure | undefined;
  /** Tickets with a change on its way to the server. */
  readonly pending = new Set<string>();
  filters: ListFilters | undefined;
  readonly #api: ListApi;
  readonly #changed: () => void;
  #generation = 0;
  #abort: AbortController | undefined;
  readonly #refreshing = new Map<string, Promise<void>>();
  readonly #asked = new Map<string, number>();
  /** Per ticket with changes on their way: the server's last word, how many are left, the chain they wait in. */
  readonly #saved = new Map<string, TicketSummaryView>();
  readonly #inFlight = new Map<string, number>();
  readonly #queues = new Map<string, Promise<void>>();

  constructor(api: ListApi, changed: () => void) {
    this.#api = api;
    this.#changed = changed;
  }

  /** Starts over with these filters (an answer for older filters is dropped). */
  async load(filters: ListFilters): Promise<void> {
    const generation = ++this.#generation;
    this.#abort?.abort();
    const abort = (this.#abort = new AbortController());
    this.filters = filters;
    this.phase = 'loading';
    this.failure = undefined;
    this.#changed();
    try {
      const page = await this.#api.tickets({ ...ticketQuery(filters), limit: pageSize }, abort.signal);
      if (generation !== this.#generation) return;
      this.items = page.items;
      this.nextCursor = page.nextCursor;
      this.phase = 'ready';
    } catch (error) {
      if (generation !== this.#generation) return;
      this.failure = error as ApiFailure;
      this.phase = 'failed';
    }
    this.#changed();
  }

  async loadMore(): Promise<void> {
    if (!this.filters || !this.nextCursor || this.loadingMore) return;
    const generation = this.#generation;
    this.loadingMore = true;
    this.failure = undefined;
    this.#changed();
    try {
      const page = await this.#api.tickets({ ...ticketQuery(this.filters), limit: pageSize, cursor: this.nextCursor });
      if (generation !== this.#generation) return;
      const known = new Set(this.items.map((ticket) => ticket.id));
      this.items = [...this.items, ...page.items.filter((ticket) => !known.has(ticket.id))];
      this.nextCursor = page.nextCursor;
    } catch (error) {
      if (generation === this.#generation) this.failure = error as ApiFailure;
    } finally {
      if (generation === this.#generation) this.loadingMore = false;
      this.#changed();
    }
  }

  get(id: string): TicketSummaryView | undefined {
    return this.items.find((ticket) => ticket.id === id);
  }

  /** Newer server state of a ticket the list shows (from the detail pane, say): updated where it is. */
  update(ticket: TicketSummaryView): void {
    const index = this.items.findIndex((item) => item.id === ticket.id);
    if (index < 0 || this.pending.has(ticket.id)) return;
    this.items = this.items.with(index, summaryOf(ticket));
    this.#changed();
  }

  /**
   * Applies a change to every ticket at once, then asks the server; changes to one ticket go one
   * after another, each on the version the previous one saved. A refusal puts the ticket back as
   * the server last had it. `apply` is the change as the list should show it.
   */
  async change(ids: string[], change: TicketChange, apply: (ticket: TicketSummaryView) => TicketSummaryView): Promise<Refusal[]> {
    const refusals: Refusal[] = [];
    const work = ids.flatMap((id) => {
      const ticket = this.get(id);
      if (!ticket) return [];
      if (!this.#saved.has(id)) this.#saved.set(id, ticket);
      this.#inFlight.set(id, (this.#inFlight.get(id) ?? 0) + 1);
      this.pending.add(id);
      this.#replace(apply(ticket));
      const previous = this.#queues.get(id) ?? Promise.resolve();
      const next = previous.then(async () => {
        try {
          const saved = summaryOf(await this.#api.changeTicket(id, change, this.#saved.get(id)!.updatedAt));
          this.#saved.set(id, saved);
          if (this.#inFlight.get(id) === 1) this.#replace(saved);
        } catch (error) {
          this.#replace(this.#saved.get(id)!);
          refusals.push({ id, failure: error as ApiFailure });
          // Someone else's change won: show theirs.
          if ((error as ApiFailure).code === 'conflict') void this.refresh(id, ticket.customer.id);
        } finally {
          const left = this.#inFlight.get(id)! - 1;
          if (left) this.#inFlight.set(id, left);
          else {
            this.#inFlight.delete(id);
            this.#saved.delete(id);
            this.#queues.delete(id);
            this.pending.delete(id);
          }
          this.#changed();
        }
      });
      this.#queues.set(id, next);
      return [next];
    });
    this.#changed();
    await Promise.all(work);
    return refusals;
  }

  /**
   * Asks the server where a ticket stands now under the current filters, and puts it there: in
   * place if the list has it, in its sorted position if it has just come to belong (unless it
   * sorts after the last loaded page), out if it no longer belongs. Coalesces bursts per ticket.
   */
  refresh(id: string, customerId: string): Promise<void> {
    const running = this.#refreshing.get(id);
    if (running) return running;
    const generation = this.#generation;
    const work = (async () => {
      // Let a burst of events about one ticket (a reply bumps it, then its status changes) settle.
      await new Promise((resolve) => setTimeout(resolve, 50));
      this.#refreshing.delete(id);
      const filters = this.filters;
      if (!filters || this.phase !== 'ready') return;
      const asked = (this.#asked.get(id) ?? 0) + 1;
      this.#asked.set(id, asked);
      const page = await this.#api.tickets({ ...ticketQuery(filters), customer: customerId, limit: '100' }).catch(() => undefined);
      // Only the newest answer about a ticket counts: an older one may arrive last.
      if (this.#asked.get(id) !== asked) return;
      this.#asked.delete(id);
      if (!page || generation !== this.#generation || this.pending.has(id)) return;
      const fresh = page.items.find((ticket) => ticket.id === id);
      if (!fresh) return this.remove(id);
      const index = this.items.findIndex((ticket) => ticket.id === id);
      if (index >= 0) {
        this.items = this.items.with(index, fresh);
      } else {
        const position = this.items.findIndex((ticket) => compareTickets(fresh, ticket, filters.sort, filters.order) < 0);
        if (position < 0 && this.nextCursor) return; // it belongs on a page not loaded yet
        this.items = position < 0 ? [...this.items, fresh] : this.items.toSpliced(position, 0, fresh);
      }
      this.#changed();
    })();
    this.#refreshing.set(id, work);
    return work;
  }

  remove(id: string): void {
    if (!this.get(id)) return;
    this.items = this.items.filter((ticket) => ticket.id !== id);
    this.#changed();
  }

  /** Stops answers still on their way from changing anything. */
  dispose(): void {
    this.#generation += 1;
    this.#abort?.abort();
  }

  #replace(ticket: TicketSummaryView): void {
    const index = this.items.findIndex((item) => item.id === ticket.id);
    if (index >= 0) this.items = this.items.with(index, ticket);
  }
}

/** A detail view has more than a card needs; keep what a summary has. */
function summaryOf(ticket: TicketSummaryView): TicketSummaryView {
  const { id, title, status, priority, customer, assignee, tags, lastMessage, messageCount, createdAt, updatedAt, resolvedAt, firstResponseAt, dueDate } = ticket;
  return { id, title, status, priority, customer, assignee, tags, lastMessage, messageCount, createdAt, updatedAt, resolvedAt, firstResponseAt, dueDate };
}
