/**
 * What the list shows, as one value: statuses (several at once), priority, assignee, tag, text
 * search, sort and order. It round-trips through the page's query string (so a view can be
 * shared and reloaded), becomes the API's query, and orders tickets the way the server does
 * (for live arrivals, which must land where a reload would put them).
 */
import type { TicketPriority, TicketQuery, TicketStatus, TicketSummaryView } from '../api/list-api.ts';

export const statuses: readonly TicketStatus[] = ['open', 'in_progress', 'waiting_on_customer', 'resolved', 'closed'];
export const priorities: readonly TicketPriority[] = ['low', 'medium', 'high', 'urgent'];
export const sorts = ['updated_at', 'created_at', 'priority', 'due_date'] as const;
export type Sort = (typeof sorts)[number];
export type Order = 'asc' | 'desc';

export interface ListFilters {
  status: TicketStatus[];
  /** '' = any priority. */
  priority: TicketPriority | '';
  /** '' = anyone, 'me', 'unassigned', or a team member's id. */
  assignee: string;
  /** '' = any tag, else a tag id. */
  tag: string;
  q: string;
  sort: Sort;
  order: Order;
}

export const defaultFilters: ListFilters = { status: [], priority: '', assignee: '', tag: '', q: '', sort: 'updated_at', order: 'desc' };

const uuid = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const oneOf = <T extends string>(values: readonly T[], value: string | null): T | undefined => (values as readonly string[]).includes(value ?? '') ? (value as T) : undefined;

/** Reads the filters from a query string; anything unknown or malformed falls back to its default. */
export function filtersFromParams(params: URLSearchParams): ListFilters {
  const assignee = params.get('assignee') ?? '';
  const tag = params.get('tag') ?? '';
  return {
    status: [...new Set((params.get('status') ?? '').split(','))].filter((s): s is TicketStatus => oneOf(statuses, s) !== undefined),
    priority: oneOf(priorities, params.get('priority')) ?? '',
    assignee: assignee === 'me' || assignee === 'unassigned' || uuid.test(assignee) ? assignee : '',
    tag: uuid.test(tag) ? tag : '',
    q: (params.get('q') ?? '').slice(0, 200),
    sort: oneOf(sorts, params.get('sort')) ?? defaultFilters.sort,
    order: oneOf(['asc', 'desc'] as const, params.get('order')) ?? defaultFilters.order,
  };
}

/** Writes the filters into a query string, leaving the host page's own parameters alone; defaults are left out. */
export function writeFilters(params: URLSearchParams, filters: ListFilters): void {
  const values: Record<keyof ListFilters, string> = {
    status: filters.status.join(','),
    priority: filters.priority,
    assignee: filters.assignee,
    tag: filters.tag,
    q: filters.q.trim(),
    sort: filters.sort === defaultFilters.sort ? '' : filters.sort,
    order: filters.order === defaultFilters.order ? '' : filters.order,
  };
  for (const [key, value] of Object.entries(values)) {
    if (value) params.set(key, value);
    else params.delete(key);
  }
}

export function sameFilters(a: ListFilters, b: ListFilters): boolean {
  const params = (filters: ListFilters) => {
    const p = new URLSearchParams();
    writeFilters(p, filters);
    return p.toString();
  };
  return params(a) === params(b);
}

/** The API's query for these filters. */
export function ticketQuery(filters: ListFilters): TicketQuery {
  const q = filters.q.trim();
  return {
    ...(filters.status.length ? { status: filters.status.join(',') } : {}),
    ...(filters.priority ? { priority: filters.priority } : {}),
    ...(filters.assignee ? { assignee: filters.assignee } : {}),
    ...(filters.tag ? { tag: filters.tag } : {}),
    ...(q ? { q } : {}),
    sort: filters.sort,
    order: filters.order,
  };
}

function sortValue(ticket: TicketSummaryView, sort: Sort): string | number {
  if (sort === 'priority') return priorities.indexOf(ticket.priority);
  if (sort === 'due_date') return ticket.dueDate ? Date.parse(ticket.dueDate) : Infinity;
  return Date.parse(sort === 'created_at' ? ticket.createdAt : ticket.updatedAt);
}

/** The server's order: the sort key, then the id, both in the chosen direction. */
export function compareTickets(a: TicketSummaryView, b: TicketSummaryView, sort: Sort, order: Order): number {
  const x = sortValue(a, sort);
  const y = sortValue(b, sort);
  const byKey = x < y ? -1 : x > y ? 1 : a.id < b.id ? -1 : a.id > b.id ? 1 : 0;
  return order === 'asc' ? byKey : -byKey;
}
