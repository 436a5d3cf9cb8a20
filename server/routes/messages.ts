/** /api/v1/tickets/{id}/messages: a ticket's thread, and replies (and, for the team, internal notes). */
import { createRoute, z } from '@hono/zod-openapi';
import { eq } from 'drizzle-orm';
import { tickets } from '../../db/schema/index.ts';
import type { AppDeps } from '../app-env.ts';
import { ApiError, forbidden, notFound } from '../errors.ts';
import { idempotencyKeyFrom, once, requestFingerprint } from '../idempotency.ts';
import { idParams } from '../schemas/common.ts';
import { createMessageBody, listMessagesQuery, messagePageSchema, messageSchema } from '../schemas/messages.ts';
import { listThread, readMessage, type ThreadMessage } from '../tickets/thread-queries.ts';
import { ticketMessages } from '../../db/schema/index.ts';
import { asUser, bearerSecurity, createRouteApp, errorResponses } from './openapi-app.ts';

const json = <T extends z.ZodType>(schema: T, description: string) => ({ description, content: { 'application/json': { schema } } });

const listRoute = createRoute({
  method: 'get',
  path: '/{id}/messages',
  summary: 'The thread, oldest first (customers never see internal notes)',
  security: bearerSecurity,
  request: { params: idParams, query: listMessagesQuery },
  responses: { 200: json(messagePageSchema, 'One page of the thread'), ...errorResponses('validation_failed', 'unauthorized', 'not_found') },
});

const createRoute_ = createRoute({
  method: 'post',
  path: '/{id}/messages',
  summary: 'Reply; team members may write an internal note instead',
  security: bearerSecurity,
  request: {
    params: idParams,
    headers: z.object({ 'idempotency-key': z.string().optional() }),
    body: { required: true, content: { 'application/json': { schema: createMessageBody } } },
  },
  responses: { 201: json(messageSchema, 'The new message'), ...errorResponses('validation_failed', 'unauthorized', 'forbidden', 'not_found', 'conflict', 'rate_limited') },
});

export function messageRoutes(deps: AppDeps) {
  const app = createRouteApp();
  return app
    .openapi(listRoute, async (c) => {
      const { id } = c.req.valid('param');
      const query = c.req.valid('query');
      const page = await asUser(c, deps, async (tx) => {
        const [ticket] = await tx.select({ id: tickets.id }).from(tickets).where(eq(tickets.id, id));
        if (!ticket) throw notFound('That ticket');
        return listThread(tx, id, { limit: query.limit, after: query.after });
      });
      c.header('Cache-Control', 'private, no-cache');
      return c.json(page, 200);
    })
    .openapi(createRoute_, async (c) => {
      const user = c.get('user');
      const { id } = c.req.valid('param');
      const body = c.req.valid('json');
      if (body.isInternal && !user.teamRole) throw forbidden('Only team members may write internal notes.');
      const key = idempotencyKeyFrom(c.req.header('idempotency-key'));
      deps.limits.messages.take(user.id);
      const result = await asUser(c, deps, async (tx) => {
        const [ticket] = await tx.select({ status: tickets.status }).from(tickets).where(eq(tickets.id, id));
        if (!ticket) throw notFound('That ticket');
        return once<ThreadMessage>(tx, user.id, key, requestFingerprint('POST', `/tickets/${id}/messages`, body), async () => {
          if (ticket.status === 'closed' && !user.teamRole) throw new ApiError('conflict', 'This ticket is closed; open a new ticket instead.');
          const [created] = await tx
            .insert(ticketMessages)
            .values({ ticketId: id, senderId: user.id, message: body.message, isInternal: body.isInternal ?? false })
            .returning({ id: ticketMessages.id });
          return { status: 201, body: (await readMessage(tx, created!.id))! };
        });
      });
      if (result.replayed) c.header('Idempotent-Replayed', 'true');
      return c.json(result.body, 201);
    });
}
