/**
 * The calls the console's shell and list make, on the shared ConsoleClient: who is signed in,
 * the filtered ticket list page by page, quick changes to a ticket (guarded by If-Match, so a
 * change someone else made meanwhile is refused, not overwritten), the team, tags, templates,
 * and the agent's email + password sign-in (the one call that needs no token).
 */
import type { InferResponseType } from 'hono/client';
import { failureFrom, networkFailure } from '../../api/api-failure.ts';
import type { ApiClient, MeView, TemplateView, TicketDetailView, TicketPageView, TicketStatus, TicketSummaryView } from '../../api/types.ts';
import type { ConsoleClient } from './console-client.ts';

export type TeamMemberView = InferResponseType<ApiClient['team']['$get'], 200>['items'][number];
export type TagView = InferResponseType<ApiClient['tags']['$get'], 200>['items'][number];
export type TicketPriority = TicketSummaryView['priority'];
export type { MeView, TemplateView, TicketDetailView, TicketPageView, TicketStatus, TicketSummaryView };

/** `GET /tickets` query parameters, as the URL carries them (lists are comma-separated). */
export interface TicketQuery {
  status?: string;
  priority?: string;
  assignee?: string;
  tag?: string;
  q?: string;
  customer?: string;
  sort?: 'updated_at' | 'created_at' | 'priority' | 'due_date';
  order?: 'asc' | 'desc';
  cursor?: string;
  limit?: string;
}

/** What the quick actions change. */
export interface TicketChange {
  status?: TicketStatus;
  priority?: TicketPriority;
  assigneeId?: string | null;
}

export interface AgentSession {
  token: string;
  expiresAt: number;
  user: { id: string; email: string | null; name: string | null; teamRole: 'agent' | 'admin' | null };
}

export type ListApi = ReturnType<typeof createListApi>;

export function createListApi({ client, call }: ConsoleClient) {
  return {
    me: () => call<MeView>(() => client.me.$get()),
    tickets: (query: TicketQuery, signal?: AbortSignal) =>
      call<TicketPageView>(() => client.tickets.$get({ query }, signal ? { init: { signal } } : undefined)),
    ticket: (id: string) => call<TicketDetailView>(() => client.tickets[':id'].$get({ param: { id } })),
    /** `version`: the updatedAt the change was decided on; the server refuses (409) if the ticket moved on since. */
    changeTicket: (id: string, change: TicketChange, version?: string) =>
      call<TicketDetailView>(() => client.tickets[':id'].$patch({ param: { id }, json: change, header: version ? { 'if-match': `"${version}"` } : {} })),
    team: () => call<{ items: TeamMemberView[] }>(() => client.team.$get()).then((list) => list.items),
    tags: () => call<{ items: TagView[] }>(() => client.tags.$get()).then((list) => list.items),
    templates: () => call<{ items: TemplateView[] }>(() => client.templates.$get()).then((list) => list.items),
  };
}

/** `POST /sessions/agent`: a token for a team member's email and password. */
export async function signInAgent(server: string, email: string, password: string): Promise<AgentSession> {
  const response = await fetch(`${server.replace(/\/+$/, '')}/api/v1/sessions/agent`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ email, password }),
  }).catch((error: unknown) => {
    throw networkFailure(error);
  });
  if (!response.ok) throw failureFrom(response.status, await response.text().catch(() => ''), response.headers.get('Retry-After'));
  return (await response.json()) as AgentSession;
}
