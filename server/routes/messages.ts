/** /api/v1/tickets/{id}/messages: a ticket's thread, and replies (and, for the team, internal notes), with files. */
import { randomUUID } from 'node:crypto';
import { createRoute, z } from '@hono/zod-openapi';
import { eq } from 'drizzle-orm';
import type { Context, MiddlewareHandler } from 'hono';
import type { Tx } from '../../db/rls.ts';
import { tickets } from '../../db/schema/index.ts';
import type { AppDeps, AppEnv } from '../app-env.ts';
import { parseFormBody } from '../attachments/form-fields.ts';
import { isMultipart, receiveMultipart, type StoredUpload } from '../attachments/multipart.ts';
import { recordUploads, uploadLimits } from '../attachments/records.ts';
import type { AuthUser } from '../auth/user-directory.ts';
import { ApiError, forbidden, messageIdTaken, notFound } from '../errors.ts';
import { idempotencyKeyFrom, once, requestFingerprint } from '../idempotency.ts';
import { createMessageForm, multipartDescription } from '../schemas/attachments.ts';
import { idParams } from '../schemas/common.ts';
import { createMessageBody, listMessagesQuery, messagePageSchema, messageSchema, type CreateMessageBody } from '../schemas/messages.ts';
import { storageFor } from '../storage/index.ts';
import { namesOfPoster, postReply, postReplyAlone } from '../tickets/post-reply.ts';
import { readThreadPage, toMessage, type ThreadMessage } from '../tickets/thread-queries.ts';
import { ticketMessages } from '../../db/schema/index.ts';
import { asUser, bearerSecurity, createRouteApp, errorResponses, json, readAsUser, writeAsUser } from './openapi-app.ts';

/**
 * A reply's fingerprint under its Idempotency-Key. The widget names a queued reply's message by
 * its key (`id` equal to the key); a widget from before that sent the same reply without `id`.
 * Both are the same request, so a reply queued before an upgrade, whose first answer was lost,
 * replays that answer when the new widget retries it instead of being refused as another body.
 * Any other `id` counts, as every other field does.
 */
function replyFingerprint(ticketId: string, body: CreateMessageBody, key: string | undefined, files?: { name: string; type: string; sha256: string }[]): string {
  const { id, ...withoutId } = body;
  const namedByKey = id !== undefined && key !== undefined && id.toLowerCase() === key.toLowerCase();
  return requestFingerprint('POST', `/tickets/${ticketId}/messages`, { ...(namedByKey ? withoutId : body), ...(files ? { files } : {}) });
}

const listRoute = createRoute({
  method: 'get',
  path: '/{id}/messages',
  summary: 'The thread, oldest first (customers never see internal notes)',
  security: bearerSecurity,
  request: { params: idParams, query: listMessagesQuery },
  responses: { 200: json(messagePageSchema, 'One page of the thread'), ...errorResponses('validation_failed', 'unauthorized', 'not_found') },
});

/** What the OpenAPI document says: JSON or multipart. */
const createMessageDoc = {
  method: 'post',
  path: '/{id}/messages',
  summary: 'Reply, with files or without; team members may write an internal note instead',
  description: multipartDescription,
  security: bearerSecurity,
  request: {
    params: idParams,
    headers: z.object({ 'idempotency-key': z.string().optional() }),
    body: { required: true, content: { 'application/json': { schema: createMessageBody }, 'multipart/form-data': { schema: createMessageForm } } },
  },
  responses: {
    201: json(messageSchema, 'The new message'),
    ...errorResponses('validation_failed', 'unauthorized', 'forbidden', 'not_found', 'conflict', 'payload_too_large', 'unsupported_media_type', 'rate_limited', 'unavailable'),
  },
} as const;

/**
 * What is validated and typed (for `hc`): the JSON body. A multipart body never reaches the
 * validators: the route's middleware streams it and answers itself.
 */
function createMessageRoute(multipart: MiddlewareHandler<AppEnv>) {
  return createRoute({
    ...createMessageDoc,
    hide: true,
    middleware: [multipart] as const,
    request: { ...createMessageDoc.request, body: { required: true, content: { 'application/json': { schema: createMessageBody } } } },
  });
}

/** The ticket, as the user sees it (row-level security), or 404. */
async function visibleTicket(tx: Tx, id: string) {
  const [ticket] = await tx.select({ status: tickets.status }).from(tickets).where(eq(tickets.id, id));
  if (!ticket) throw notFound('That ticket');
  return ticket;
}

/** Writes the reply (and records its files first) in the caller's transaction. */
async function writeReply(tx: Tx, user: AuthUser, ticketId: string, status: string, body: CreateMessageBody, files: readonly StoredUpload[]) {
  if (status === 'closed' && !user.teamRole) throw new ApiError('conflict', 'This ticket is closed; open a new ticket instead.');
  const messageId = body.id ?? randomUUID();
  // Files may not be recorded for a message that exists (the database refuses it as a forbidden
  // change); an id the client chose that is taken is a conflict, as the message's insert says.
  if (body.id && files.length && (await tx.select({ id: ticketMessages.id }).from(ticketMessages).where(eq(ticketMessages.id, body.id))).length) {
    throw messageIdTaken();
  }
  await recordUploads(tx, { ticketId, messageId, uploaderId: user.id }, files);
  // RETURNING, not a second read: the message's event holds the live horizon until commit, so
  // the fewer round trips between this insert and the commit, the sooner everyone sees it.
  const [row] = await tx.insert(ticketMessages).values({ id: messageId, ticketId, senderId: user.id, message: body.message, isInternal: body.isInternal ?? false }).returning();
  return { status: 201 as const, body: toMessage({ ...row!, ...namesOfPoster(user) }) };
}

export function messageRoutes(deps: AppDeps) {
  const app = createRouteApp();
  app.openAPIRegistry.registerPath(createMessageDoc);

  /** A multipart reply: files streamed to storage, then the same write as JSON. */
  const multipartReply: MiddlewareHandler<AppEnv> = async (c, next) => {
    if (!isMultipart(c.req.header('content-type'))) return next();
    const params = idParams.safeParse(c.req.param());
    if (!params.success) throw new ApiError('validation_failed', 'The request is not valid.', { issues: [{ path: 'id', message: 'must be a UUID' }] });
    const id = params.data.id;
    const user = c.get('user');
    const key = idempotencyKeyFrom(c.req.header('idempotency-key'));
    deps.limits.messages.take(user.id);
    // Refuse before reading a byte of the body when the ticket is not there for this user.
    const ticket = await closeOnError(c, () => asUser(c, deps, (tx) => visibleTicket(tx, id)));
    if (ticket.status === 'closed' && !user.teamRole && !key) throw closing(c, new ApiError('conflict', 'This ticket is closed; open a new ticket instead.'));

    const form = await closeOnError(c, () => receiveMultipart(c, storageFor(deps.config), uploadLimits(deps.config)));
    try {
      const body = parseFormBody(createMessageBody, form.fields, { json: ['isInternal'] });
      if (body.isInternal && !user.teamRole) throw forbidden('Only team members may write internal notes.');
      const fingerprint = replyFingerprint(id, body, key, form.files.map((f) => ({ name: f.name, type: f.type, sha256: f.sha256 })));
      const result = await asUser(c, deps, async (tx) => {
        const current = await visibleTicket(tx, id);
        return once<ThreadMessage>(tx, user.id, key, fingerprint, () => writeReply(tx, user, id, current.status, body, form.files));
      });
      if (result.replayed) {
        await form.discard();
        c.header('Idempotent-Replayed', 'true');
      }
      return c.json(result.body, 201);
    } catch (error) {
      await form.discard();
      throw error;
    }
  };

  return app
    .openapi(listRoute, async (c) => {
      const { id } = c.req.valid('param');
      const query = c.req.valid('query');
      // The ticket (404 when it is not there for this user) and its page in one statement.
      const page = await readAsUser(c, deps, (tx) => readThreadPage(tx, id, { limit: query.limit, after: query.after }), { statements: 1 });
      if (!page) throw notFound('That ticket');
      c.header('Cache-Control', 'private, no-cache');
      return c.json(page, 200);
    })
    .openapi(createMessageRoute(multipartReply), async (c) => {
      const user = c.get('user');
      const { id } = c.req.valid('param');
      const body = c.req.valid('json');
      if (body.isInternal && !user.teamRole) throw forbidden('Only team members may write internal notes.');
      const key = idempotencyKeyFrom(c.req.header('idempotency-key'));
      deps.limits.messages.take(user.id);
      // The ticket check and the insert in one statement (server/tickets/post-reply.ts); without
      // an Idempotency-Key, in a transaction of its own written in one round trip.
      if (!key) {
        const message = await postReplyAlone({ write: (statement) => writeAsUser(c, deps, statement), read: (work) => readAsUser(c, deps, work) }, user, id, body);
        return c.json(message, 201);
      }
      const result = await asUser(c, deps, (tx) =>
        once<ThreadMessage>(tx, user.id, key, replyFingerprint(id, body, key), async () => ({ status: 201 as const, body: await postReply(tx, user, id, body) })),
      );
      if (result.replayed) c.header('Idempotent-Replayed', 'true');
      return c.json(result.body, 201);
    });
}

/** An answer given before the body was read closes the connection, so the rest is never read. */
function closing<E extends Error>(c: Context<AppEnv>, error: E): E {
  c.header('Connection', 'close');
  return error;
}

async function closeOnError<T>(c: Context<AppEnv>, work: () => Promise<T>): Promise<T> {
  try {
    return await work();
  } catch (error) {
    throw closing(c, error as Error);
  }
}
