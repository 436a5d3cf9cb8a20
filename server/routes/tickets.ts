/** /api/v1/tickets: list, open, read and change tickets. */
import { createRoute, z } from '@hono/zod-openapi';
import type { Context, MiddlewareHandler } from 'hono';
import type { AppDeps, AppEnv } from '../app-env.ts';
import { parseFormBody } from '../attachments/form-fields.ts';
import { isMultipart, receiveMultipart, type ReceivedForm, type StoredUpload } from '../attachments/multipart.ts';
import { uploadLimits } from '../attachments/records.ts';
import { ApiError, notFound } from '../errors.ts';
import { idempotencyKeyFrom, once, requestFingerprint } from '../idempotency.ts';
import { idParams } from '../schemas/common.ts';
import { createTicketForm, multipartDescription } from '../schemas/attachments.ts';
import { createTicketBody, listTicketsQuery, ticketDetailSchema, ticketPageSchema, updateTicketBody, type CreateTicketBody } from '../schemas/tickets.ts';
import { storageFor } from '../storage/index.ts';
import { createTicket } from '../tickets/create-ticket.ts';
import { listTickets, readTicket, type TicketDetail } from '../tickets/ticket-queries.ts';
import { updateTicket } from '../tickets/update-ticket.ts';
import { asUser, bearerSecurity, createRouteApp, errorResponses, json, readAsUser } from './openapi-app.ts';

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

/** What the OpenAPI document says: JSON or multipart. */
const createTicketDoc = {
  method: 'post',
  path: '/',
  summary: 'Open a ticket; its description becomes the opening message, which carries the files',
  description: multipartDescription,
  security: bearerSecurity,
  request: {
    headers: idempotencyHeader,
    body: { required: true, content: { 'application/json': { schema: createTicketBody }, 'multipart/form-data': { schema: createTicketForm } } },
  },
  responses: {
    201: json(ticketDetailSchema, 'The new ticket'),
    ...errorResponses('validation_failed', 'unauthorized', 'forbidden', 'conflict', 'payload_too_large', 'unsupported_media_type', 'rate_limited', 'unavailable'),
  },
} as const;

/**
 * What is validated and typed (for `hc`): the JSON body. A multipart body never reaches the
 * validators: the route's middleware streams it and answers itself.
 */
function createTicketRoute(multipart: MiddlewareHandler<AppEnv>) {
  return createRoute({
    ...createTicketDoc,
    hide: true,
    middleware: [multipart] as const,
    request: { ...createTicketDoc.request, body: { required: true, content: { 'application/json': { schema: createTicketBody } } } },
  });
}

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
  app.openAPIRegistry.registerPath(createTicketDoc);

  /** Opens the ticket in one transaction, once per Idempotency-Key. */
  const open = (c: Context<AppEnv>, body: CreateTicketBody, fingerprint: string, key: string | undefined, files: readonly StoredUpload[]) => {
    const user = c.get('user');
    return asUser(c, deps, (tx) =>
      once<TicketDetail>(tx, user.id, key, fingerprint, async () => {
        const ticketId = await createTicket(tx, user, body, files);
        return { status: 201, body: (await readTicket(tx, user, ticketId))! };
      }),
    );
  };

  /** A multipart ticket: files streamed to storage, then the same work as JSON. */
  const multipartTicket: MiddlewareHandler<AppEnv> = async (c, next) => {
    if (!isMultipart(c.req.header('content-type'))) return next();
    const user = c.get('user');
    let key: string | undefined;
    try {
      key = idempotencyKeyFrom(c.req.header('idempotency-key'));
      deps.limits.ticketCreation.take(user.id);
    } catch (error) {
      c.header('Connection', 'close');
      throw error;
    }
    let form: ReceivedForm;
    try {
      form = await receiveMultipart(c, storageFor(deps.config), uploadLimits(deps.config));
    } catch (error) {
      c.header('Connection', 'close');
      throw error;
    }
    try {
      const body = parseFormBody(createTicketBody, form.fields, { json: ['fields', 'metadata', 'tagIds'], repeatable: ['tagIds'] });
      const fingerprint = requestFingerprint('POST', '/tickets', { ...body, files: form.files.map((f) => ({ name: f.name, type: f.type, sha256: f.sha256 })) });
      const result = await open(c, body, fingerprint, key, form.files);
      if (result.replayed) {
        await form.discard();
        c.header('Idempotent-Replayed', 'true');
      }
      c.header('Location', `/api/v1/tickets/${result.body.id}`);
      return c.json(result.body, 201);
    } catch (error) {
      await form.discard();
      throw error;
    }
  };

  return app
    .openapi(listRoute, async (c) => {
      const page = await readAsUser(c, deps, (tx) => listTickets(tx, c.get('user'), c.req.valid('query')), { statements: 1 });
      c.header('Cache-Control', 'private, no-cache');
      return c.json(page, 200);
    })
    .openapi(createTicketRoute(multipartTicket), async (c) => {
      const user = c.get('user');
      const body = c.req.valid('json');
      const key = idempotencyKeyFrom(c.req.header('idempotency-key'));
      deps.limits.ticketCreation.take(user.id);
      const result = await open(c, body, requestFingerprint('POST', '/tickets', body), key, []);
      if (result.replayed) c.header('Idempotent-Replayed', 'true');
      c.header('Location', `/api/v1/tickets/${result.body.id}`);
      return c.json(result.body, 201);
    })
    .openapi(getRoute, async (c) => {
      const ticket = await readAsUser(c, deps, (tx) => readTicket(tx, c.get('user'), c.req.valid('param').id), { statements: 1 });
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
