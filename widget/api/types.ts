/**
 * The shapes the widget reads, inferred from the server's routes (type-only: nothing of the
 * server is bundled). A change to a response schema breaks the widget's type check, not a customer.
 */
import type { InferResponseType, hc } from 'hono/client';
import type { ApiType } from '../../server/app.ts';
import type { LiveEvent } from '../../server/live/protocol.ts';

export type ApiClient = ReturnType<typeof hc<ApiType>>;

export type TicketPageView = InferResponseType<ApiClient['tickets']['$get'], 200>;
export type TicketSummaryView = TicketPageView['items'][number];
export type TicketDetailView = InferResponseType<ApiClient['tickets'][':id']['$get'], 200>;
export type MessagePageView = InferResponseType<ApiClient['tickets'][':id']['messages']['$get'], 200>;
export type MessageView = InferResponseType<ApiClient['tickets'][':id']['messages']['$post'], 201>;
export type AttachmentView = MessageView['attachments'][number];
export type TemplateView = InferResponseType<ApiClient['templates']['$get'], 200>['items'][number];
export type TemplateFieldView = TemplateView['fields'][number];
export type MeView = InferResponseType<ApiClient['me']['$get'], 200>;
export type TicketStatus = TicketSummaryView['status'];
export type { LiveEvent };

/** The API's error shape, with `network` for a request that never got an answer. */
export interface ApiIssue {
  path: string;
  message: string;
}
