/**
 * The widget's calls, on the transport it shares with the console (api-transport.ts: `hc<ApiType>`
 * typed by the server's routes, imported as types only; XMLHttpRequest for uploads with progress;
 * every call answers with the parsed body or throws an ApiFailure, and a 401 asks the token source
 * for a new token once).
 */
import { hc, type InferResponseType } from 'hono/client';
import type { ApiType } from '../../server/app.ts';
import type { TokenSource } from './token-source.ts';
import type { ApiClient, MeView, MessagePageView, MessageView, TemplateView, TicketDetailView, TicketPageView } from './types.ts';
import { createApiTransport, type UploadProgress } from './api-transport.ts';

export type { UploadProgress };

export interface NewTicket {
  title: string;
  description: string;
  templateId?: string;
  fields?: Record<string, unknown>;
}

export type GuestSession = InferResponseType<ApiClient['sessions']['guest']['$post'], 201>;
export type WidgetApi = ReturnType<typeof createWidgetApi>;

export function createWidgetApi(server: string, tokens: TokenSource) {
  const { base, client, call, upload, attachment } = createApiTransport(server, tokens);

  return {
    base,
    me: () => call<MeView>(() => client.me.$get()),
    listTickets: (cursor?: string) =>
      call<TicketPageView>(() => client.tickets.$get({ query: { limit: '25', sort: 'updated_at', order: 'desc', ...(cursor ? { cursor } : {}) } })),
    getTicket: (id: string) => call<TicketDetailView>(() => client.tickets[':id'].$get({ param: { id } })),
    /** The whole thread, page after page. */
    async listMessages(id: string, signal?: AbortSignal): Promise<MessageView[]> {
      const messages: MessageView[] = [];
      let after: string | undefined;
      for (;;) {
        const page = await call<MessagePageView>(() => client.tickets[':id'].messages.$get({ param: { id }, query: { limit: '200', ...(after ? { after } : {}) } }, { init: signal ? { signal } : {} }));
        messages.push(...page.items);
        if (!page.hasMore || !page.nextCursor) return messages;
        after = page.nextCursor;
      }
    },
    templates: () => call<{ items: TemplateView[] }>(() => client.templates.$get()).then((list) => list.items),
    /** Opens a ticket; with files it is a multipart request (the JSON fields, then `files`). */
    createTicket(ticket: NewTicket, files: File[], idempotencyKey: string, onProgress?: UploadProgress): Promise<TicketDetailView> {
      if (!files.length) return call<TicketDetailView>(() => client.tickets.$post({ json: ticket, header: { 'idempotency-key': idempotencyKey } }));
      const body = new FormData();
      body.set('title', ticket.title);
      body.set('description', ticket.description);
      if (ticket.templateId) body.set('templateId', ticket.templateId);
      if (ticket.fields) body.set('fields', JSON.stringify(ticket.fields));
      for (const file of files) body.append('files', file, file.name);
      return upload<TicketDetailView>('/tickets', body, idempotencyKey, onProgress);
    },
    /** A reply whose id the client chose (`messageId`), so the view knows it when it arrives live before the answer. */
    reply(ticketId: string, messageId: string, message: string, files: File[], idempotencyKey: string, onProgress?: UploadProgress): Promise<MessageView> {
      if (!files.length) {
        return call<MessageView>(() => client.tickets[':id'].messages.$post({ param: { id: ticketId }, json: { id: messageId, message }, header: { 'idempotency-key': idempotencyKey } }));
      }
      const body = new FormData();
      body.set('id', messageId);
      body.set('message', message);
      for (const file of files) body.append('files', file, file.name);
      return upload<MessageView>(`/tickets/${encodeURIComponent(ticketId)}/messages`, body, idempotencyKey, onProgress);
    },
    /** An attachment's bytes (it needs the token, so it cannot be a plain link). */
    attachment,
    /** Guest mode: a token for a fresh identity (no Authorization needed). */
    startGuest: (email: string, name?: string) => call<GuestSession>(() => hc<ApiType>(base).sessions.guest.$post({ json: name ? { email, name } : { email } })),
  };
}
