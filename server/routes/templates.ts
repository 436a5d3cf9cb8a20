/** /api/v1/templates: kinds of tickets. Everyone signed in reads them; admins keep them. */
import { createRoute } from '@hono/zod-openapi';
import { and, asc, eq, inArray, ne, sql } from 'drizzle-orm';
import type { MiddlewareHandler } from 'hono';
import type { Tx } from '../../db/rls.ts';
import { ticketTags, ticketTemplates, type TemplateField, type TicketTemplate } from '../../db/schema/index.ts';
import type { AppEnv, AppDeps } from '../app-env.ts';
import { ApiError, forbidden, notFound } from '../errors.ts';
import { idParams } from '../schemas/common.ts';
import { createTemplateBody, templateListSchema, templateSchema, updateTemplateBody } from '../schemas/templates.ts';
import { asUser, bearerSecurity, createRouteApp, errorResponses, json, readAsUser } from './openapi-app.ts';


/** Templates are the admins' to change; the database says so too ("Admins can ... templates"). */
const requireAdmin = (): MiddlewareHandler<AppEnv> => async (c, next) => {
  if (c.get('user').teamRole !== 'admin') throw forbidden('Only team admins may change templates.');
  await next();
};

/**
 * A template's columns as the API shows them. Default tags are the ones still in the catalogue,
 * in the order given: deleting a tag (which agents may) cannot edit templates (which only admins
 * may), and a template must not point clients at a tag that is gone.
 */
const templateColumns = {
  id: ticketTemplates.id,
  name: ticketTemplates.name,
  description: ticketTemplates.description,
  fields: ticketTemplates.fields,
  defaultPriority: ticketTemplates.defaultPriority,
  defaultTagIds: sql<string[]>`array(
    select u.id::text from unnest(${ticketTemplates.defaultTagIds}) with ordinality as u(id, n)
    where exists (select 1 from public.ticket_tags t where t.id = u.id) order by u.n)`,
  createdAt: ticketTemplates.createdAt,
  updatedAt: ticketTemplates.updatedAt,
};
type TemplateRow = Omit<TicketTemplate, 'defaultTagIds'> & { defaultTagIds: string[] };

function selectTemplates(tx: Tx) {
  return tx.select(templateColumns).from(ticketTemplates);
}

function toTemplate(row: TemplateRow) {
  return {
    id: row.id,
    name: row.name,
    description: row.description,
    // Keys in a stable order whatever jsonb did to them; no `options` on fields that have none.
    fields: (row.fields as TemplateField[]).map(({ key, label, type, required, options }) => ({ key, label, type, required, ...(options ? { options } : {}) })),
    defaultPriority: row.defaultPriority,
    defaultTagIds: row.defaultTagIds,
    createdAt: new Date(row.createdAt).toISOString(),
    updatedAt: new Date(row.updatedAt).toISOString(),
  };
}

/** Every default tag must be in the catalogue now; a template naming a missing tag is refused. */
async function refuseUnknownTags(tx: Tx, tagIds: string[] | undefined): Promise<void> {
  if (!tagIds?.length) return;
  const found = new Set((await tx.select({ id: ticketTags.id }).from(ticketTags).where(inArray(ticketTags.id, tagIds))).map((tag) => tag.id));
  const issues = tagIds.flatMap((id, index) => (found.has(id) ? [] : [{ path: `defaultTagIds.${index}`, message: `no tag has the id ${id}` }]));
  if (issues.length) throw new ApiError('validation_failed', 'Some default tags do not exist.', { issues });
}

async function refuseTakenName(tx: Tx, name: string, exceptId?: string): Promise<void> {
  const [taken] = await tx
    .select({ id: ticketTemplates.id })
    .from(ticketTemplates)
    .where(exceptId ? and(eq(ticketTemplates.name, name), ne(ticketTemplates.id, exceptId)) : eq(ticketTemplates.name, name));
  if (taken) throw new ApiError('conflict', `A template named "${name}" already exists.`, { issues: [{ path: 'name', message: 'already taken' }] });
}

const listRoute = createRoute({
  method: 'get',
  path: '/',
  summary: 'Every template, sorted by name',
  security: bearerSecurity,
  responses: { 200: json(templateListSchema, 'The templates'), ...errorResponses('unauthorized') },
});

const createTemplateRoute = createRoute({
  method: 'post',
  path: '/',
  summary: 'Add a template (admin)',
  security: bearerSecurity,
  middleware: [requireAdmin()] as const,
  request: { body: { required: true, content: { 'application/json': { schema: createTemplateBody } } } },
  responses: { 201: json(templateSchema, 'The new template'), ...errorResponses('validation_failed', 'unauthorized', 'forbidden', 'conflict') },
});

const patchRoute = createRoute({
  method: 'patch',
  path: '/{id}',
  summary: 'Change a template (admin); fields, when sent, replace all of its fields',
  security: bearerSecurity,
  middleware: [requireAdmin()] as const,
  request: { params: idParams, body: { required: true, content: { 'application/json': { schema: updateTemplateBody } } } },
  responses: { 200: json(templateSchema, 'The changed template'), ...errorResponses('validation_failed', 'unauthorized', 'forbidden', 'not_found', 'conflict') },
});

const deleteRoute = createRoute({
  method: 'delete',
  path: '/{id}',
  summary: 'Delete a template (admin); tickets opened from it keep their metadata and tags',
  security: bearerSecurity,
  middleware: [requireAdmin()] as const,
  request: { params: idParams },
  responses: { 204: { description: 'Deleted' }, ...errorResponses('validation_failed', 'unauthorized', 'forbidden', 'not_found') },
});

export function templateRoutes(deps: AppDeps) {
  return createRouteApp()
    .openapi(listRoute, async (c) => {
      const rows = await readAsUser(c, deps, (tx) => selectTemplates(tx).orderBy(asc(ticketTemplates.name), asc(ticketTemplates.id)));
      c.header('Cache-Control', 'private, no-cache');
      return c.json({ items: rows.map(toTemplate) }, 200);
    })
    .openapi(createTemplateRoute, async (c) => {
      const body = c.req.valid('json');
      const template = await asUser(c, deps, async (tx) => {
        await refuseTakenName(tx, body.name);
        await refuseUnknownTags(tx, body.defaultTagIds);
        const [row] = await tx
          .insert(ticketTemplates)
          .values({
            name: body.name,
            description: body.description ?? null,
            fields: body.fields,
            defaultPriority: body.defaultPriority ?? null,
            defaultTagIds: body.defaultTagIds ?? [],
          })
          .returning({ id: ticketTemplates.id });
        return (await selectTemplates(tx).where(eq(ticketTemplates.id, row!.id)))[0]!;
      });
      c.header('Location', `/api/v1/templates/${template.id}`);
      return c.json(toTemplate(template), 201);
    })
    .openapi(patchRoute, async (c) => {
      const { id } = c.req.valid('param');
      const body = c.req.valid('json');
      const template = await asUser(c, deps, async (tx) => {
        if (body.name !== undefined) await refuseTakenName(tx, body.name, id);
        await refuseUnknownTags(tx, body.defaultTagIds);
        const [row] = await tx
          .update(ticketTemplates)
          .set({
            ...(body.name !== undefined ? { name: body.name } : {}),
            ...(body.description !== undefined ? { description: body.description } : {}),
            ...(body.fields !== undefined ? { fields: body.fields } : {}),
            ...(body.defaultPriority !== undefined ? { defaultPriority: body.defaultPriority } : {}),
            ...(body.defaultTagIds !== undefined ? { defaultTagIds: body.defaultTagIds } : {}),
          })
          .where(eq(ticketTemplates.id, id))
          .returning({ id: ticketTemplates.id });
        if (!row) throw notFound('That template');
        return (await selectTemplates(tx).where(eq(ticketTemplates.id, id)))[0]!;
      });
      return c.json(toTemplate(template), 200);
    })
    .openapi(deleteRoute, async (c) => {
      const { id } = c.req.valid('param');
      await asUser(c, deps, async (tx) => {
        const deleted = await tx.delete(ticketTemplates).where(eq(ticketTemplates.id, id)).returning({ id: ticketTemplates.id });
        if (!deleted.length) throw notFound('That template');
      });
      return c.body(null, 204);
    });
}
