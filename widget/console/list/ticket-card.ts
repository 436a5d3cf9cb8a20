/**
 * One ticket in the list, as a template: a checkbox for bulk selection, the card itself (a
 * button that opens the ticket: title, customer, last message, status and priority, due or
 * overdue, tags in their colours, assignee, unread) and its quick actions (assign to me, status,
 * priority). Interactive parts sit side by side, never nested, so each is reachable by keyboard.
 */
import { html, nothing } from 'lit';
import { relativeTime } from '../../i18n/format.ts';
import type { TicketPriority, TicketStatus, TicketSummaryView } from '../api/list-api.ts';
import type { ConsoleStrings } from '../i18n/console-strings.ts';
import { tagColor } from '../shell/tag-color.ts';
import { priorities, statuses } from '../state/list-filters.ts';

export interface CardState {
  selected: boolean;
  picked: boolean;
  unread: boolean;
  pending: boolean;
  mine: boolean;
}

export interface CardActions {
  open(id: string): void;
  pick(id: string, picked: boolean): void;
  assignToMe(id: string): void;
  setStatus(id: string, status: TicketStatus): void;
  setPriority(id: string, priority: TicketPriority): void;
}

const finished = new Set<TicketStatus>(['resolved', 'closed']);

function due(ticket: TicketSummaryView, t: ConsoleStrings) {
  if (!ticket.dueDate || finished.has(ticket.status)) return nothing;
  const overdue = Date.parse(ticket.dueDate) < Date.now();
  const when = relativeTime(ticket.dueDate, t.locale);
  return html`<span class="due ${overdue ? 'overdue' : ''}">${overdue ? t.list.overdue(when) : t.list.due(when)}</span>`;
}

export function ticketCard(ticket: TicketSummaryView, state: CardState, t: ConsoleStrings, actions: CardActions) {
  const { id, title } = ticket;
  const customer = ticket.customer.name ?? ticket.customer.email ?? '';
  return html`<li class="card ${state.selected ? 'selected' : ''} ${state.unread ? 'unread' : ''}" data-id=${id} aria-busy=${state.pending ? 'true' : 'false'}>
    <input class="pick" type="checkbox" .checked=${state.picked} aria-label=${t.list.select(title)} @change=${(e: Event) => actions.pick(id, (e.target as HTMLInputElement).checked)} />
    <button class="open" type="button" aria-current=${state.selected ? 'true' : nothing} @click=${() => actions.open(id)}>
      <span class="head">
        <span class="title">${title}</span>
        ${state.unread ? html`<span class="badge unread-badge">${t.list.unread}</span>` : nothing}
      </span>
      <span class="customer">${customer}</span>
      <span class="snippet">${ticket.lastMessage?.preview ?? t.list.noMessages}</span>
      <span class="meta">
        <span class="badge status status-${ticket.status}">${t.status[ticket.status]}</span>
        <span class="badge priority priority-${ticket.priority}">${t.priority[ticket.priority]}</span>
        ${due(ticket, t)}
        ${ticket.tags.map((tag) => html`<span class="tag"><span class="dot" ${tagColor(tag.color)}></span>${tag.name}</span>`)}
        <span class="assignee">${ticket.assignee ? ticket.assignee.name : t.list.unassigned}</span>
      </span>
    </button>
    <div class="actions">
      ${state.mine ? nothing : html`<button class="button assign" type="button" @click=${() => actions.assignToMe(id)}>${t.list.assignToMe}</button>`}
      <select class="set-status" aria-label=${t.list.statusOf(title)} @change=${(e: Event) => actions.setStatus(id, (e.target as HTMLSelectElement).value as TicketStatus)}>
        ${statuses.map((status) => html`<option value=${status} .selected=${status === ticket.status}>${t.status[status]}</option>`)}
      </select>
      <select class="set-priority" aria-label=${t.list.priorityOf(title)} @change=${(e: Event) => actions.setPriority(id, (e.target as HTMLSelectElement).value as TicketPriority)}>
        ${priorities.map((priority) => html`<option value=${priority} .selected=${priority === ticket.priority}>${t.priority[priority]}</option>`)}
      </select>
    </div>
  </li>`;
}
