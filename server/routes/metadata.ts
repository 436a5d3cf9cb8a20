/**
 * /api/v1/tickets/{id}/metadata: a ticket's custom fields. Whoever may see the ticket reads
 * them (a customer: their own tickets only); the team writes them.
 */
import { createRoute } from '@hono/zod-openapi';
import { and, asc, eq, sql } from 'drizzle-orm';
import type { Tx } from '../../db/rls.ts';
import { ticketMetadata, tickets } from '../../db/schema/index.ts';
import type { AppDeps } from '../app-env.ts';
import { requireTeam } from '../auth/require-user.ts';
import { notFound } from '../errors.ts';
import { idParams, type JsonValue } from '../schemas/common.ts';
import { metadataEntrySchema, metadataKeyParams, metadataListSchema, putMetadataBody } from '../schemas/metadata.ts';
import { asUser, bearerSecurity, createRouteApp, errorResponses, json } from './openapi-app.ts';


const entryColumns = {
  key: ticketMetadata.key,
  value: ticketMetadata.value,
  createdAt: ticketMetadata.createdAt,
  updatedAt: ticketMetadata.updatedAt,
};
interface EntryRow {
  key: string;
  value: unknown;
  createdAt: Date;
  updatedAt: Date;
}
const toEntry = (row: EntryRow) => ({
  key: row.key,
  value: row.value as JsonValue,
  createdAt: new Date(row.createdAt).toISOString(),
  updatedAt: new Date(row.updatedAt).toISOString(),
});

/** A ticket the user cannot see is one that does not exist: 404, never 403. */
async function requireTicket(tx: Tx, ticketId: string): Promise<void> {
  const [ticket] = await tx.select({ id: tickets.id }).from(tickets).where(eq(tickets.id, ticketId));
  if (!ticket) throw notFound('That ticket');
}

const listRoute = createRoute({
  method: 'get',
  path: '/{id}/metadata',
  summary: "A ticket's metadata, sorted by key",
  security: bearerSecurity,
  request: { params: idParams },
  responses: { 200: json(metadataListSchema, 'The metadata'), ...errorResponses('validation_failed', 'unauthorized', 'not_found') },
});

const putRoute = createRoute({
  method: 'put',
  path: '/{id}/metadata/{key}',
  summary: 'Set one metadata value, creating the key if it is new (team)',
  security: bearerSecurity,
  middleware: [requireTeam()] as const,
  request: { params: metadataKeyParams, body: { required: true, content: { 'application/json': { schema: putMetadataBody } } } },
  responses: {
    200: json(metadataEntrySchema, 'The value replaced the one the key had'),
    201: json(metadataEntrySchema, 'The key is new'),
    ...errorResponses('validation_failed', 'unauthorized', 'forbidden', 'not_found'),
  },
});

const deleteRoute = createRoute({
  method: 'delete',
  path: '/{id}/metadata/{key}',
  summary: 'Remove one metadata key (team)',
  security: bearerSecurity,
  middleware: [requireTeam()] as const,
  request: { params: metadataKeyParams },
  responses: { 204: { description: 'Removed' }, ...errorResponses('validation_failed', 'unauthorized', 'forbidden', 'not_found') },
});

export function metadataRoutes(deps: AppDeps) {
  return createRouteApp()
    .openapi(listRoute, async (c) => {
      const { id } = c.req.valid('param');
      const rows = await asUser(c, deps, async (tx) => {
        await requireTicket(tx, id);
        return tx.select(entryColumns).from(ticketMetadata).where(eq(ticketMetadata.ticketId, id)).orderBy(asc(ticketMetadata.key));
      });
      c.header('Cache-Control', 'private, no-cache');
      return c.json({ items: rows.map(toEntry) }, 200);
    })
    .openapi(putRoute, async (c) => {
      const { id, key } = c.req.valid('param');
      const { value } = c.req.valid('json');
      const row = await asUser(c, deps, async (tx) => {
        await requireTicket(tx, id);
        const encoded = sql`${JSON.stringify(value)}::jsonb`;
        const [upserted] = await tx
          .insert(ticketMetadata)
          .values({ ticketId: id, key, value: encoded })
          .onConflictDoUpdate({ target: [ticketMetadata.ticketId, ticketMetadata.key], set: { value: encoded } })
          // xmax is 0 on a row this statement inserted, and set on one it updated.
          .returning({ ...entryColumns, created: sql<boolean>`(xmax = 0)` });
        return upserted!;
      });
      const entry = toEntry(row);
      if (row.created) {
        c.header('Location', `/api/v1/tickets/${id}/metadata/${encodeURIComponent(key)}`);
        return c.json(entry, 201);
      }
      return c.json(entry, 200);
    })
    .openapi(deleteRoute, async (c) => {
      const { id, key } = c.req.valid('param');
      await asUser(c, deps, async (tx) => {
        await requireTicket(tx, id);
        const deleted = await tx
          .delete(ticketMetadata)
          .where(and(eq(ticketMetadata.ticketId, id), eq(ticketMetadata.key, key)))
          .returning({ key: ticketMetadata.key });
        if (!deleted.length) throw notFound(`The metadata key "${key}"`);
      });
      return c.body(null, 204);
    });
}
