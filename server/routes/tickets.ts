/** /api/v1/tickets: list, open, read and change tickets. */
import { createRoute, z } from '@hono/zod-openapi';
import type { AppDeps } from '../app-env.ts';
import { ApiError, notFound } from '../errors.ts';
import { idempotencyKeyFrom, once, requestFingerprint } from '../idempotency.ts';
import { idParams } from '../schemas/common.ts';
import { createTicketBody, listTicketsQuery, ticketDetailSchema, ticketPageSchema, updateTicketBody } from '../schemas/tickets.ts';
import { createTicket } from '../tickets/create-ticket.ts';
import { listTickets, readTicket, type TicketDetail } from '../tickets/ticket-queries.ts';
import { updateTicket } from '../tickets/update-ticket.ts';
import { asUser, bearerSecurity, createRouteApp, errorResponses } from './openapi-app.ts';

const json = <T extends z.ZodType>(schema: T, description: string) => ({ description, content: { 'application/json': { schema } } });
const idempotencyHeader = z.object({
  'idempotency-key': z.string().optional().openapi({ description: 'Retries with the same key return the first response; another body with the same key is refused with 409.' }),
});

const listRoute = createRoute({
  method: 'get',
  path: '/',
  summary: 'List tickets (customers: their own; team: all), keyset-paginated',
  security: bearerSecurity,
  request: { query: listTicketsQuery },
  responses: { 200: json(ticketPageSchema, 'One page of tickets'), ...errorResponses('validation_failed', 'unauthorized') },
});

const createTicketRoute = createRoute({
  method: 'post',
  path: '/',
  summary: 'Open a ticket; its description becomes the opening message',
  security: bearerSecurity,
  request: { headers: idempotencyHeader, body: { required: true, content: { 'application/json': { schema: createTicketBody } } } },
  responses: { 201: json(ticketDetailSchema, 'The new ticket'), ...errorResponses('validation_failed', 'unauthorized', 'forbidden', 'conflict', 'payload_too_large', 'unsupported_media_type', 'rate_limited') },
});

const getRoute = createRoute({
  method: 'get',
  path: '/{id}',
  summary: 'One ticket with tags, metadata, customer and assignee',
  security: bearerSecurity,
  request: { params: idParams },
  responses: { 200: json(ticketDetailSchema, 'The ticket'), ...errorResponses('validation_failed', 'unauthorized', 'not_found') },
});

const patchRoute = createRoute({
  method: 'patch',
  path: '/{id}',
  summary: 'Change status, priority, assignee, due date or title (customers: close only)',
  security: bearerSecurity,
  request: {
    params: idParams,
    headers: z.object({ 'if-match': z.string().optional().openapi({ description: 'The updatedAt you last saw, quoted; refused with 409 if the ticket changed since.' }) }),
    body: { required: true, content: { 'application/json': { schema: updateTicketBody } } },
  },
  responses: { 200: json(ticketDetailSchema, 'The changed ticket'), ...errorResponses('validation_failed', 'unauthorized', 'forbidden', 'not_found', 'conflict') },
});

export function ticketRoutes(deps: AppDeps) {
  const app = createRouteApp();
  return app
    .openapi(listRoute, async (c) => {
      const page = await asUser(c, deps, (tx) => listTickets(tx, c.get('user'), c.req.valid('query')));
      c.header('Cache-Control', 'private, no-cache');
      return c.json(page, 200);
    })
    .openapi(createTicketRoute, async (c) => {
      const user = c.get('user');
      const body = c.req.valid('json');
      const key = idempotencyKeyFrom(c.req.header('idempotency-key'));
      deps.limits.ticketCreation.take(user.id);
      const result = await asUser(c, deps, (tx) =>
        once<TicketDetail>(tx, user.id, key, requestFingerprint('POST', '/tickets', body), async () => {
          const ticketId = await createTicket(tx, user, body);
          return { status: 201, body: (await readTicket(tx, user, ticketId))! };
        }),
      );
      if (result.replayed) c.header('Idempotent-Replayed', 'true');
      c.header('Location', `/api/v1/tickets/${result.body.id}`);
      return c.json(result.body, 201);
    })
    .openapi(getRoute, async (c) => {
      const ticket = await asUser(c, deps, (tx) => readTicket(tx, c.get('user'), c.req.valid('param').id));
      if (!ticket) throw notFound('That ticket');
      c.header('Cache-Control', 'private, no-cache');
      return c.json(ticket, 200);
    })
    .openapi(patchRoute, async (c) => {
      const user = c.get('user');
      const { id } = c.req.valid('param');
      const ifMatch = c.req.valid('header')['if-match'];
      const expectedVersion = ifMatch === undefined ? undefined : ifMatch.replace(/^W\//, '').replace(/^"|"$/g, '');
      if (expectedVersion !== undefined && Number.isNaN(Date.parse(expectedVersion))) {
        throw new ApiError('validation_failed', 'If-Match must be the ticket\'s updatedAt, quoted.', { issues: [{ path: 'If-Match', message: 'not a timestamp' }] });
      }
      const ticket = await asUser(c, deps, async (tx) => {
        await updateTicket(tx, user, id, c.req.valid('json'), expectedVersion && new Date(expectedVersion).toISOString());
        return (await readTicket(tx, user, id))!;
      });
      return c.json(ticket, 200);
    });
}
