/** /api/v1/tickets/{id}/tags/{tagId}: the team tags and untags tickets. */
import { createRoute } from '@hono/zod-openapi';
import { and, asc, eq } from 'drizzle-orm';
import type { Tx } from '../../db/rls.ts';
import { tickets, ticketTagRelations, ticketTags } from '../../db/schema/index.ts';
import type { AppDeps } from '../app-env.ts';
import { requireTeam } from '../auth/require-user.ts';
import { notFound } from '../errors.ts';
import { ticketTagListSchema, ticketTagParams } from '../schemas/tags.ts';
import { asUser, bearerSecurity, createRouteApp, errorResponses, json } from './openapi-app.ts';


/** Both ends must exist for this user, or the answer is 404 naming which one. */
async function requireTicketAndTag(tx: Tx, ticketId: string, tagId: string): Promise<void> {
  const [ticket] = await tx.select({ id: tickets.id }).from(tickets).where(eq(tickets.id, ticketId));
  if (!ticket) throw notFound('That ticket');
  const [tag] = await tx.select({ id: ticketTags.id }).from(ticketTags).where(eq(ticketTags.id, tagId));
  if (!tag) throw notFound('That tag');
}

function ticketTagList(tx: Tx, ticketId: string) {
  return tx
    .select({ id: ticketTags.id, name: ticketTags.name, color: ticketTags.color })
    .from(ticketTagRelations)
    .innerJoin(ticketTags, eq(ticketTags.id, ticketTagRelations.tagId))
    .where(eq(ticketTagRelations.ticketId, ticketId))
    .orderBy(asc(ticketTags.name), asc(ticketTags.id));
}

const putRoute = createRoute({
  method: 'put',
  path: '/{id}/tags/{tagId}',
  summary: 'Tag a ticket (team); tagging it again changes nothing',
  security: bearerSecurity,
  middleware: [requireTeam()] as const,
  request: { params: ticketTagParams },
  responses: { 200: json(ticketTagListSchema, "The ticket's tags"), ...errorResponses('validation_failed', 'unauthorized', 'forbidden', 'not_found') },
});

const deleteRoute = createRoute({
  method: 'delete',
  path: '/{id}/tags/{tagId}',
  summary: 'Untag a ticket (team); untagging a ticket that lacks the tag changes nothing',
  security: bearerSecurity,
  middleware: [requireTeam()] as const,
  request: { params: ticketTagParams },
  responses: { 204: { description: 'Untagged' }, ...errorResponses('validation_failed', 'unauthorized', 'forbidden', 'not_found') },
});

export function ticketTagRoutes(deps: AppDeps) {
  return createRouteApp()
    .openapi(putRoute, async (c) => {
      const { id, tagId } = c.req.valid('param');
      const items = await asUser(c, deps, async (tx) => {
        await requireTicketAndTag(tx, id, tagId);
        await tx.insert(ticketTagRelations).values({ ticketId: id, tagId }).onConflictDoNothing();
        return ticketTagList(tx, id);
      });
      return c.json({ items }, 200);
    })
    .openapi(deleteRoute, async (c) => {
      const { id, tagId } = c.req.valid('param');
      await asUser(c, deps, async (tx) => {
        await requireTicketAndTag(tx, id, tagId);
        await tx.delete(ticketTagRelations).where(and(eq(ticketTagRelations.ticketId, id), eq(ticketTagRelations.tagId, tagId)));
      });
      return c.body(null, 204);
    });
}
