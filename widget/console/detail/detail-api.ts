/**
 * What the detail pane asks of the server, on the console's client: the ticket and its whole
 * thread, the team, the tag catalogue, templates, metadata, the customer's other tickets, and
 * every change the pane makes (PATCH only the fields the agent changed; replies and notes with an
 * Idempotency-Key, multipart when they carry files).
 */
import type { InferResponseType } from 'hono/client';
import type { ApiClient, MessagePageView, MessageView, TemplateView, TicketDetailView, TicketPageView, TicketSummaryView } from '../../api/types.ts';
import type { ConsoleClient, UploadProgress } from '../api/console-client.ts';

export type TeamMemberView = InferResponseType<ApiClient['team']['$get'], 200>['items'][number];
export type TagView = InferResponseType<ApiClient['tags']['$get'], 200>['items'][number];
export type TagRefView = TicketDetailView['tags'][number];
export type MetadataEntryView = InferResponseType<ApiClient['tickets'][':id']['metadata']['$get'], 200>['items'][number];
export type TicketPatch = Partial<{ status: TicketDetailView['status']; priority: TicketDetailView['priority']; assigneeId: string | null; dueDate: string | null; title: string }>;
export type { MessageView, TemplateView, TicketDetailView, TicketSummaryView };

export type DetailApi = ReturnType<typeof createDetailApi>;

export function createDetailApi(console: ConsoleClient) {
  const { client, call } = console;
  const ticket = (id: string) => client.tickets[':id'];
  return {
    attachment: console.attachment,
    getTicket: (id: string) => call<TicketDetailView>(() => ticket(id).$get({ param: { id } })),
    /** The whole thread, oldest first, page after page. */
    async listMessages(id: string): Promise<MessageView[]> {
      const messages: MessageView[] = [];
      let after: string | undefined;
      for (;;) {
        const page = await call<MessagePageView>(() => ticket(id).messages.$get({ param: { id }, query: { limit: '200', ...(after ? { after } : {}) } }));
        messages.push(...page.items);
        if (!page.hasMore || !page.nextCursor) return messages;
        after = page.nextCursor;
      }
    },
    team: () => call<{ items: TeamMemberView[] }>(() => client.team.$get()).then((list) => list.items),
    tags: () => call<{ items: TagView[] }>(() => client.tags.$get()).then((list) => list.items),
    templates: () => call<{ items: TemplateView[] }>(() => client.templates.$get()).then((list) => list.items),
    /** Sends only what changed; the answer is the ticket as it is now. */
    patchTicket: (id: string, patch: TicketPatch) => call<TicketDetailView>(() => ticket(id).$patch({ param: { id }, json: patch, header: {} })),
    send(id: string, message: string, isInternal: boolean, files: File[], idempotencyKey: string, onProgress?: UploadProgress): Promise<MessageView> {
      if (!files.length) {
        return call<MessageView>(() => ticket(id).messages.$post({ param: { id }, json: { message, isInternal }, header: { 'idempotency-key': idempotencyKey } }));
      }
      const body = new FormData();
      body.set('message', message);
      body.set('isInternal', JSON.stringify(isInternal));
      for (const file of files) body.append('files', file, file.name);
      return console.upload<MessageView>(`/tickets/${encodeURIComponent(id)}/messages`, body, idempotencyKey, onProgress);
    },
    createTag: (name: string, color: string) => call<TagView>(() => client.tags.$post({ json: { name, color } })),
    addTag: (id: string, tagId: string) => call<{ items: TagRefView[] }>(() => ticket(id).tags[':tagId'].$put({ param: { id, tagId } })).then((list) => list.items),
    removeTag: (id: string, tagId: string) => call<void>(() => ticket(id).tags[':tagId'].$delete({ param: { id, tagId } })),
    metadata: (id: string) => call<{ items: MetadataEntryView[] }>(() => ticket(id).metadata.$get({ param: { id } })).then((list) => list.items),
    putMetadata: (id: string, key: string, value: unknown) => call<MetadataEntryView>(() => ticket(id).metadata[':key'].$put({ param: { id, key }, json: { value: value as never } })),
    deleteMetadata: (id: string, key: string) => call<void>(() => ticket(id).metadata[':key'].$delete({ param: { id, key } })),
    /** A customer's tickets, newest activity first (the team's `customer` filter). */
    customerTickets: (customerId: string) =>
      call<TicketPageView>(() => client.tickets.$get({ query: { customer: customerId, limit: '20', sort: 'updated_at', order: 'desc' } })).then((page) => page.items),
  };
}
