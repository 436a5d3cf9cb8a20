/**
 * The widget's only way to the server: `hc<ApiType>` (typed by the server's routes, imported as
 * types only) for JSON, XMLHttpRequest for multipart uploads with progress. Every call answers
 * with the parsed body or throws an ApiFailure; a 401 asks the token source for a new token and
 * tries once more.
 */
import { hc, type InferResponseType } from 'hono/client';
import type { ApiType } from '../../server/app.ts';
import type { TokenSource } from './token-source.ts';
import { ApiFailure, failureFrom, networkFailure } from './api-failure.ts';
import type { ApiClient, MeView, MessagePageView, MessageView, TemplateView, TicketDetailView, TicketPageView } from './types.ts';
import { postMultipart } from './upload.ts';

export interface NewTicket {
  title: string;
  description: string;
  templateId?: string;
  fields?: Record<string, unknown>;
}

export interface UploadProgress {
  (loaded: number, total: number): void;
}

export type GuestSession = InferResponseType<ApiClient['sessions']['guest']['$post'], 201>;
export type WidgetApi = ReturnType<typeof createWidgetApi>;

export function createWidgetApi(server: string, tokens: TokenSource) {
  const base = `${server}/api/v1`;
  const client = hc<ApiType>(base, { headers: async (): Promise<Record<string, string>> => ({ authorization: `Bearer ${await tokens.get()}` }) });

  async function call<T>(request: () => Promise<Response>, retried = false): Promise<T> {
    let response: Response;
    try {
      response = await request();
    } catch (error) {
      if (error instanceof DOMException && error.name === 'AbortError') throw error;
      if (error instanceof Error && error.name === 'NoIdentity') throw error;
      throw networkFailure(error);
    }
    if (response.ok) return (response.status === 204 ? undefined : await response.json()) as T;
    const failure = failureFrom(response.status, await response.text().catch(() => ''), response.headers.get('Retry-After'));
    if (failure.status === 401 && !retried && tokens.kind === 'provider') {
      tokens.invalidate();
      return call(request, true);
    }
    throw failure;
  }

  async function upload<T>(path: string, body: FormData, idempotencyKey: string, onProgress?: UploadProgress, retried = false): Promise<T> {
    try {
      return await postMultipart<T>({ url: `${base}${path}`, token: await tokens.get(), body, idempotencyKey, ...(onProgress ? { onProgress } : {}) });
    } catch (error) {
      if (error instanceof ApiFailure && error.status === 401 && !retried && tokens.kind === 'provider') {
        tokens.invalidate();
        return upload(path, body, idempotencyKey, onProgress, true);
      }
      throw error;
    }
  }

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
    reply(ticketId: string, message: string, files: File[], idempotencyKey: string, onProgress?: UploadProgress): Promise<MessageView> {
      if (!files.length) {
        return call<MessageView>(() => client.tickets[':id'].messages.$post({ param: { id: ticketId }, json: { message }, header: { 'idempotency-key': idempotencyKey } }));
      }
      const body = new FormData();
      body.set('message', message);
      for (const file of files) body.append('files', file, file.name);
      return upload<MessageView>(`/tickets/${encodeURIComponent(ticketId)}/messages`, body, idempotencyKey, onProgress);
    },
    /** An attachment's bytes (it needs the token, so it cannot be a plain link). */
    async attachment(id: string, signal?: AbortSignal): Promise<Blob> {
      const response = await fetch(`${base}/attachments/${encodeURIComponent(id)}`, { headers: { authorization: `Bearer ${await tokens.get()}` }, ...(signal ? { signal } : {}) }).catch((error: unknown) => {
        throw error instanceof DOMException && error.name === 'AbortError' ? error : networkFailure(error);
      });
      if (!response.ok) throw failureFrom(response.status, await response.text().catch(() => ''), response.headers.get('Retry-After'));
      return response.blob();
    },
    /** Guest mode: a token for a fresh identity (no Authorization needed). */
    startGuest: (email: string, name?: string) => call<GuestSession>(() => hc<ApiType>(base).sessions.guest.$post({ json: name ? { email, name } : { email } })),
  };
}
