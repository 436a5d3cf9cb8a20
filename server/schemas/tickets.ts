import { z } from '@hono/zod-openapi';
import { ticketPriorities, ticketStatuses } from '../../db/schema/index.ts';
import { isoDateTime, jsonValue, limitParam, text, uuidSchema } from './common.ts';

export const statusSchema = z.enum(ticketStatuses);
export const prioritySchema = z.enum(ticketPriorities);
export const ticketSorts = ['updated_at', 'created_at', 'priority', 'due_date'] as const;

export const tagRefSchema = z.object({ id: uuidSchema, name: z.string(), color: z.string() }).openapi('TagRef');
export const personSchema = z.object({ id: uuidSchema, name: z.string().nullable() }).openapi('Person');
export const customerSchema = personSchema.extend({ email: z.string().nullable() }).openapi('Customer');

export const lastMessageSchema = z
  .object({ id: uuidSchema, preview: z.string(), senderId: uuidSchema, fromTeam: z.boolean(), createdAt: isoDateTime })
  .openapi('LastMessage');

export const ticketSummarySchema = z
  .object({
    id: uuidSchema,
    title: z.string(),
    status: statusSchema,
    priority: prioritySchema,
    customer: customerSchema,
    assignee: personSchema.nullable(),
    tags: z.array(tagRefSchema),
    /** The newest public message (internal notes never show here). */
    lastMessage: lastMessageSchema.nullable(),
    messageCount: z.number().int(),
    createdAt: isoDateTime,
    updatedAt: isoDateTime,
    resolvedAt: isoDateTime.nullable(),
    firstResponseAt: isoDateTime.nullable(),
    dueDate: isoDateTime.nullable(),
  })
  .openapi('TicketSummary');

export const ticketDetailSchema = ticketSummarySchema
  .extend({
    description: z.string(),
    metadata: z.record(z.string(), jsonValue),
    /** Team members only: how many internal notes the thread has. */
    internalNoteCount: z.number().int().optional(),
  })
  .openapi('Ticket');

const statusList = z
  .string()
  .transform((value) => value.split(',').map((s) => s.trim()).filter(Boolean))
  .pipe(z.array(statusSchema).min(1))
  .openapi({ param: { name: 'status', in: 'query' }, example: 'open,in_progress', description: 'one status, or several separated by commas' });
const priorityList = z
  .string()
  .transform((value) => value.split(',').map((s) => s.trim()).filter(Boolean))
  .pipe(z.array(prioritySchema).min(1))
  .openapi({ param: { name: 'priority', in: 'query' }, example: 'high,urgent' });

export const listTicketsQuery = z.strictObject({
  limit: limitParam(100, 25),
  cursor: z.string().max(512).optional().openapi({ param: { name: 'cursor', in: 'query' }, description: 'nextCursor of the previous page' }),
  status: statusList.optional(),
  priority: priorityList.optional(),
  assignee: z
    .union([z.enum(['me', 'unassigned', 'any']), uuidSchema])
    .optional()
    .openapi({ param: { name: 'assignee', in: 'query' }, description: 'me, unassigned, any, or a team member id' }),
  customer: uuidSchema.optional().openapi({ param: { name: 'customer', in: 'query' }, description: 'team only: one customer' }),
  tag: z.string().trim().min(1).max(100).optional().openapi({ param: { name: 'tag', in: 'query' }, description: 'a tag id or name' }),
  q: z.string().trim().min(1).max(200).optional().openapi({ param: { name: 'q', in: 'query' }, description: 'words in the title or description' }),
  sort: z.enum(ticketSorts).default('updated_at').openapi({ param: { name: 'sort', in: 'query' } }),
  order: z.enum(['asc', 'desc']).default('desc').openapi({ param: { name: 'order', in: 'query' } }),
});
export type ListTicketsQuery = z.infer<typeof listTicketsQuery>;

export const ticketPageSchema = z.object({ items: z.array(ticketSummarySchema), nextCursor: z.string().nullable() }).openapi('TicketPage');

export const createTicketBody = z
  .strictObject({
    title: text(200),
    description: text(20_000),
    priority: prioritySchema.optional(),
    templateId: uuidSchema.optional(),
    /** Values for the template's fields, by field key. */
    fields: z.record(z.string().max(64), z.unknown()).optional(),
    /** Team only: open the ticket for this customer. */
    customerId: uuidSchema.optional(),
    /** Team only. */
    assigneeId: uuidSchema.nullable().optional(),
    /** Team only: tag ids. */
    tagIds: z.array(uuidSchema).max(20).optional(),
    /** Team only: free metadata keys. */
    metadata: z.record(z.string().min(1).max(64), jsonValue).optional(),
  })
  .openapi('CreateTicket');
export type CreateTicketBody = z.infer<typeof createTicketBody>;

export const updateTicketBody = z
  .strictObject({
    status: statusSchema.optional(),
    priority: prioritySchema.optional(),
    assigneeId: uuidSchema.nullable().optional(),
    dueDate: isoDateTime.pipe(z.iso.datetime({ offset: true })).nullable().optional(),
    title: text(200).optional(),
  })
  .refine((body) => Object.keys(body).length > 0, { message: 'send at least one field to change' })
  .openapi('UpdateTicket');
export type UpdateTicketBody = z.infer<typeof updateTicketBody>;
