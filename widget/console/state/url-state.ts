/**
 * The console's view in the page's URL: the list filters and the open ticket, in the query
 * string (`?status=open,in_progress&assignee=me&ticket=…`), so a view can be shared and reloaded.
 * The host page's own parameters are left as they are.
 */
import { filtersFromParams, writeFilters, type ListFilters } from './list-filters.ts';

export interface ConsoleView {
  filters: ListFilters;
  /** The open ticket's id, or '' for none. */
  ticket: string;
}

const uuid = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export function readView(search = location.search): ConsoleView {
  const params = new URLSearchParams(search);
  const ticket = params.get('ticket') ?? '';
  return { filters: filtersFromParams(params), ticket: uuid.test(ticket) ? ticket : '' };
}

/**
 * Puts the view in the URL: `push` adds a history entry (Back returns to the previous view),
 * `replace` does not (typing in the search box).
 */
export function writeView(view: ConsoleView, mode: 'push' | 'replace'): void {
  const url = new URL(location.href);
  writeFilters(url.searchParams, view.filters);
  if (view.ticket) url.searchParams.set('ticket', view.ticket);
  else url.searchParams.delete('ticket');
  if (url.href === location.href) return;
  if (mode === 'push') history.pushState(history.state, '', url);
  else history.replaceState(history.state, '', url);
}
