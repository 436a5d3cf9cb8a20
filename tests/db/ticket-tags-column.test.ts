/**
 * The ticket row's tags (tickets.tags; migrations 0017-0018): kept by triggers through every
 * tagging, untagging, rename, recolour and delete of a tag, always what the relations say (what
 * the list showed before, from a sub-select), never written by a user, never bumping updated_at
 * or telling a ticket.updated, and rebuilt by private.refresh_all_ticket_summaries().
 */
import { randomUUID } from 'node:crypto';
import { and, asc, eq, gt, sql } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import { withClaims } from '../../db/rls.ts';
import { ticketEvents, ticketTagRelations, ticketTags, tickets } from '../../db/schema/index.ts';
import { sqlStateOf } from '../support/sql-error.ts';
import { customerAndAgentSuite } from '../support/customer-and-agent.ts';
import { enginesUnderTest } from '../support/test-database.ts';

describe.each(enginesUnderTest)('ticket tags column on %s', (engine) => {
  const suite = customerAndAgentSuite(engine);
  const db = () => suite.testDb.handle.systemDb;
  const openTicket = () => suite.openTicket();
  const asTeam = <T>(work: Parameters<typeof withClaims<T>>[2]) => withClaims(db(), { sub: suite.agent }, work);
  const asCustomer = <T>(work: Parameters<typeof withClaims<T>>[2]) => withClaims(db(), { sub: suite.customer }, work);
  const newTag = async (name: string, color = '#336699') => {
    const [row] = await asTeam((tx) => tx.insert(ticketTags).values({ name: `${name}-${randomUUID().slice(0, 6)}`, color }).returning());
    return row!;
  };
  const tag = (ticketId: string, tagId: string) => asTeam((tx) => tx.insert(ticketTagRelations).values({ ticketId, tagId }));
  const untag = (ticketId: string, tagId: string) => asTeam((tx) => tx.delete(ticketTagRelations).where(and(eq(ticketTagRelations.ticketId, ticketId), eq(ticketTagRelations.tagId, tagId))));
  /** The column as the ticket's customer reads it, under row-level security. */
  const rowForCustomer = async (ticketId: string) => {
    const [row] = await asCustomer((tx) => tx.select({ tags: tickets.tags, updatedAt: tickets.updatedAt }).from(tickets).where(eq(tickets.id, ticketId)));
    return row!;
  };
  /** What the relations say, read by the customer under row-level security: the list's sub-select before 0018. */
  const fromRelations = (ticketId: string) =>
    asCustomer((tx) =>
      tx
        .select({ id: ticketTags.id, name: ticketTags.name, color: ticketTags.color })
        .from(ticketTagRelations)
        .innerJoin(ticketTags, eq(ticketTags.id, ticketTagRelations.tagId))
        .where(eq(ticketTagRelations.ticketId, ticketId))
        .orderBy(asc(ticketTags.name)),
    );
  const eventsSince = (position: number) => db().select({ kind: ticketEvents.kind }).from(ticketEvents).where(gt(ticketEvents.position, position)).orderBy(asc(ticketEvents.position));
  const lastPosition = async () => (await db().select({ n: sql<number>`coalesce(max(${ticketEvents.position}), 0)::bigint` }).from(ticketEvents))[0]!.n;

  it('follows tagging and untagging, ordered by name, without touching updated_at or telling a ticket.updated', async () => {
    const ticketId = await openTicket();
    const [zebra, apple] = [await newTag('zebra', '#000000'), await newTag('apple', '#ff0000')];
    const before = await rowForCustomer(ticketId);
    expect(before.tags).toEqual([]);
    const position = await lastPosition();

    await tag(ticketId, zebra.id);
    await tag(ticketId, apple.id);
    const tagged = await rowForCustomer(ticketId);
    expect(tagged.tags).toEqual([
      { id: apple.id, name: apple.name, color: '#ff0000' },
      { id: zebra.id, name: zebra.name, color: '#000000' },
    ]);
    expect(tagged.tags).toEqual(await fromRelations(ticketId));
    expect(tagged.updatedAt).toEqual(before.updatedAt);

    await untag(ticketId, apple.id);
    const untagged = await rowForCustomer(ticketId);
    expect(untagged.tags).toEqual([{ id: zebra.id, name: zebra.name, color: '#000000' }]);
    expect(untagged.updatedAt).toEqual(before.updatedAt);
    expect((await eventsSince(Number(position))).map((e) => e.kind)).toEqual(['tag.added', 'tag.added', 'tag.removed']);
  });

  it('follows a rename and a recolour on every ticket that has the tag, and a deleted tag leaves them', async () => {
    const [first, second, untouched] = [await openTicket(), await openTicket(), await openTicket()];
    const billing = await newTag('billing');
    await tag(first, billing.id);
    await tag(second, billing.id);
    const updatedBefore = (await rowForCustomer(first)).updatedAt;

    await asTeam((tx) => tx.update(ticketTags).set({ name: `invoices-${billing.id.slice(0, 6)}`, color: '#00aa00' }).where(eq(ticketTags.id, billing.id)));
    for (const ticketId of [first, second]) {
      expect((await rowForCustomer(ticketId)).tags).toEqual([{ id: billing.id, name: `invoices-${billing.id.slice(0, 6)}`, color: '#00aa00' }]);
      expect((await rowForCustomer(ticketId)).tags).toEqual(await fromRelations(ticketId));
    }
    expect((await rowForCustomer(first)).updatedAt).toEqual(updatedBefore);
    expect((await rowForCustomer(untouched)).tags).toEqual([]);

    // As the tags route deletes one: its relations, then the tag.
    await asTeam(async (tx) => {
      await tx.delete(ticketTagRelations).where(eq(ticketTagRelations.tagId, billing.id));
      await tx.delete(ticketTags).where(eq(ticketTags.id, billing.id));
    });
    expect((await rowForCustomer(first)).tags).toEqual([]);
    expect((await rowForCustomer(second)).tags).toEqual([]);
  });

  it('cannot be written by a user: an insert starts empty, an update is refused and changes nothing', async () => {
    const forged = [{ id: randomUUID(), name: 'vip', color: '#ffd700' }];
    const [row] = await asCustomer((tx) => tx.insert(tickets).values({ title: 't', description: 'd', customerId: suite.customer, tags: forged }).returning({ id: tickets.id }));
    expect((await rowForCustomer(row!.id)).tags).toEqual([]);
    for (const sub of [suite.customer, suite.agent]) {
      const error = await withClaims(db(), { sub }, (tx) => tx.update(tickets).set({ tags: forged }).where(eq(tickets.id, row!.id))).catch((e: unknown) => e);
      expect(sqlStateOf(error), `as ${sub === suite.agent ? 'agent' : 'customer'}`).toBe('42501');
    }
    expect((await rowForCustomer(row!.id)).tags).toEqual([]);
  });

  it('keeps updated_at moving when the tags change together with anything else', async () => {
    const ticketId = await openTicket();
    const before = await rowForCustomer(ticketId);
    // The bypass role (the server's own connection) may write both at once; the ticket did change.
    await new Promise((resolve) => setTimeout(resolve, 5));
    await db().update(tickets).set({ title: 'renamed', tags: [{ id: randomUUID(), name: 'x', color: '#111111' }] }).where(eq(tickets.id, ticketId));
    expect((await rowForCustomer(ticketId)).updatedAt.getTime()).toBeGreaterThan(before.updatedAt.getTime());
  });

  it('is rebuilt from the relations by refresh_all_ticket_summaries, leaving updated_at and the event log alone', async () => {
    const ticketId = await openTicket();
    const urgent = await newTag('urgent');
    await tag(ticketId, urgent.id);
    const before = await rowForCustomer(ticketId);
    const position = await lastPosition();
    await db().execute(sql`alter table public.tickets disable trigger user`);
    await db().update(tickets).set({ tags: [] }).where(eq(tickets.id, ticketId));
    await db().execute(sql`alter table public.tickets enable trigger user`);
    await db().execute(sql`select private.refresh_all_ticket_summaries()`);
    const after = await rowForCustomer(ticketId);
    expect(after.tags).toEqual(before.tags);
    expect(after.tags).toEqual(await fromRelations(ticketId));
    expect(after.updatedAt).toEqual(before.updatedAt);
    expect(await eventsSince(Number(position))).toEqual([]);
  });
});
