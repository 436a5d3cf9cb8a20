/**
 * Live event payloads (written by the database's triggers, migration 0006) in the API's shapes:
 * a `message.created` as a thread message, a `ticket.updated` merged into the ticket the pane has.
 * Timestamps are normalised to the API's ISO form, and a change older than the pane's copy (its
 * own PATCH answered first) is ignored, so the pane never steps back.
 */
import type { MessageView, TicketDetailView } from '../../api/types.ts';
import type { TeamMemberView } from './detail-api.ts';

const iso = (value: unknown) => (typeof value === 'string' && !Number.isNaN(Date.parse(value)) ? new Date(value).toISOString() : null);

export function liveMessage(data: Record<string, unknown>): MessageView | undefined {
  const raw = data.message as Record<string, unknown> | undefined;
  if (!raw || typeof raw.id !== 'string') return undefined;
  return {
    id: raw.id,
    ticketId: String(raw.ticketId),
    sender: { id: String(raw.senderId), name: (raw.senderName as string | null) ?? null, fromTeam: raw.fromTeam === true },
    message: String(raw.message ?? ''),
    isInternal: raw.isInternal === true,
    createdAt: iso(raw.createdAt) ?? new Date().toISOString(),
    attachments: Array.isArray(raw.attachments) ? (raw.attachments as MessageView['attachments']) : [],
  };
}

/** The ticket with the event's fields, or undefined when the event is not newer than what the pane has. */
export function liveTicket(current: TicketDetailView, data: Record<string, unknown>, team: TeamMemberView[]): TicketDetailView | undefined {
  const raw = data.ticket as Record<string, unknown> | undefined;
  const updatedAt = iso(raw?.updatedAt);
  if (!raw || raw.id !== current.id || !updatedAt || Date.parse(updatedAt) < Date.parse(current.updatedAt)) return undefined;
  const assigneeId = typeof raw.assigneeId === 'string' ? raw.assigneeId : null;
  const assignee = assigneeId
    ? { id: assigneeId, name: team.find((member) => member.id === assigneeId)?.displayName ?? (current.assignee?.id === assigneeId ? current.assignee.name : null) }
    : null;
  return {
    ...current,
    title: typeof raw.title === 'string' ? raw.title : current.title,
    status: (raw.status as TicketDetailView['status']) ?? current.status,
    priority: (raw.priority as TicketDetailView['priority']) ?? current.priority,
    assignee,
    dueDate: iso(raw.dueDate),
    resolvedAt: iso(raw.resolvedAt),
    firstResponseAt: iso(raw.firstResponseAt),
    updatedAt,
  };
}
