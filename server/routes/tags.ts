/** /api/v1/tags: the tag catalogue. Everyone signed in reads it; the team keeps it. */
import { createRoute } from '@hono/zod-openapi';
import { and, asc, eq, ne } from 'drizzle-orm';
import type { Tx } from '../../db/rls.ts';
import { ticketTagRelations, ticketTags, type TicketTag } from '../../db/schema/index.ts';
import type { AppDeps } from '../app-env.ts';
import { requireTeam } from '../auth/require-user.ts';
import { ApiError, notFound } from '../errors.ts';
import { idParams } from '../schemas/common.ts';
import { createTagBody, tagListSchema, tagSchema, updateTagBody } from '../schemas/tags.ts';
import { asUser, bearerSecurity, createRouteApp, errorResponses, json, readAsUser } from './openapi-app.ts';


const tagColumns = { id: ticketTags.id, name: ticketTags.name, description: ticketTags.description, color: ticketTags.color, createdAt: ticketTags.createdAt };
type TagRow = Pick<TicketTag, keyof typeof tagColumns>;

export const toTag = (row: TagRow) => ({ ...row, createdAt: new Date(row.createdAt).toISOString() });

/** Names are unique: say which one is taken rather than a bare 409 from the constraint. */
async function refuseTakenName(tx: Tx, name: string, exceptId?: string): Promise<void> {
  const [taken] = await tx
    .select({ id: ticketTags.id })
    .from(ticketTags)
    .where(exceptId ? and(eq(ticketTags.name, name), ne(ticketTags.id, exceptId)) : eq(ticketTags.name, name));
  if (taken) throw new ApiError('conflict', `A tag named "${name}" already exists.`, { issues: [{ path: 'name', message: 'already taken' }] });
}

const listRoute = createRoute({
  method: 'get',
  path: '/',
  summary: 'Every tag, sorted by name',
  security: bearerSecurity,
  responses: { 200: json(tagListSchema, 'The tags'), ...errorResponses('unauthorized') },
});

const createTagRoute = createRoute({
  method: 'post',
  path: '/',
  summary: 'Add a tag (team)',
  security: bearerSecurity,
  middleware: [requireTeam()] as const,
  request: { body: { required: true, content: { 'application/json': { schema: createTagBody } } } },
  responses: { 201: json(tagSchema, 'The new tag'), ...errorResponses('validation_failed', 'unauthorized', 'forbidden', 'conflict') },
});

const patchRoute = createRoute({
  method: 'patch',
  path: '/{id}',
  summary: 'Rename, recolor or describe a tag (team)',
  security: bearerSecurity,
  middleware: [requireTeam()] as const,
  request: { params: idParams, body: { required: true, content: { 'application/json': { schema: updateTagBody } } } },
  responses: { 200: json(tagSchema, 'The changed tag'), ...errorResponses('validation_failed', 'unauthorized', 'forbidden', 'not_found', 'conflict') },
});

const deleteRoute = createRoute({
  method: 'delete',
  path: '/{id}',
  summary: 'Delete a tag, untagging every ticket that has it (team)',
  security: bearerSecurity,
  middleware: [requireTeam()] as const,
  request: { params: idParams },
  responses: { 204: { description: 'Deleted' }, ...errorResponses('validation_failed', 'unauthorized', 'forbidden', 'not_found') },
});

export function tagRoutes(deps: AppDeps) {
  return createRouteApp()
    .openapi(listRoute, async (c) => {
      const rows = await readAsUser(c, deps, (tx) => tx.select(tagColumns).from(ticketTags).orderBy(asc(ticketTags.name), asc(ticketTags.id)));
      c.header('Cache-Control', 'private, no-cache');
      return c.json({ items: rows.map(toTag) }, 200);
    })
    .openapi(createTagRoute, async (c) => {
      const body = c.req.valid('json');
      const tag = await asUser(c, deps, async (tx) => {
        await refuseTakenName(tx, body.name);
        const [row] = await tx
          .insert(ticketTags)
          .values({ name: body.name, color: body.color, description: body.description ?? null })
          .returning(tagColumns);
        return row!;
      });
      c.header('Location', `/api/v1/tags/${tag.id}`);
      return c.json(toTag(tag), 201);
    })
    .openapi(patchRoute, async (c) => {
      const { id } = c.req.valid('param');
      const body = c.req.valid('json');
      const tag = await asUser(c, deps, async (tx) => {
        if (body.name !== undefined) await refuseTakenName(tx, body.name, id);
        const [row] = await tx
          .update(ticketTags)
          .set({
            ...(body.name !== undefined ? { name: body.name } : {}),
            ...(body.color !== undefined ? { color: body.color } : {}),
            ...(body.description !== undefined ? { description: body.description } : {}),
          })
          .where(eq(ticketTags.id, id))
          .returning(tagColumns);
        if (!row) throw notFound('That tag');
        return row;
      });
      return c.json(toTag(tag), 200);
    })
    .openapi(deleteRoute, async (c) => {
      const { id } = c.req.valid('param');
      await asUser(c, deps, async (tx) => {
        // The relations point at the tag without a cascade: untag first, in the same transaction.
        await tx.delete(ticketTagRelations).where(eq(ticketTagRelations.tagId, id));
        const deleted = await tx.delete(ticketTags).where(eq(ticketTags.id, id)).returning({ id: ticketTags.id });
        if (!deleted.length) throw notFound('That tag');
      });
      return c.body(null, 204);
    });
}
