/**
 * A small world to test access against: two customers with a ticket each (A's with a public
 * message, an internal note, a tag and metadata), an agent, an admin, and helpers that act as
 * one of them inside a transaction that is always rolled back.
 */
import { randomUUID } from 'node:crypto';
import { sql } from 'drizzle-orm';
import type { Database } from '../../db/client.ts';
import { withClaims, type Tx } from '../../db/rls.ts';
import { idempotencyKeys, slaTargets, teamMembers, ticketAttachments, ticketMessages, ticketMetadata, tickets, ticketTagRelations, ticketTags, ticketTemplates, users } from '../../db/schema/index.ts';
import { INSUFFICIENT_PRIVILEGE, sqlStateOf } from './sql-error.ts';

export const actors = ['customerA', 'customerB', 'agent', 'admin', 'nobody'] as const;
export type Actor = (typeof actors)[number];

export interface RlsFixture {
  userId: Record<Exclude<Actor, 'nobody'>, string>;
  ticketA: string;
  /** Customer A's second ticket: nothing refers to it, so it can be deleted. */
  ticketAEmpty: string;
  ticketB: string;
  publicMessageA: string;
  internalNoteA: string;
  publicMessageB: string;
  tag: string;
  /** A tag no ticket carries, so it can be deleted. */
  unusedTag: string;
  /** A second agent with no tickets assigned, so the admin can remove them. */
  spareAgent: string;
  template: string;
  /** An Idempotency-Key each of customer A and B has claimed. */
  idempotencyKey: string;
  /** A file on customer A's public message, one on the internal note on A's ticket, one on B's message. */
  attachmentA: string;
  internalAttachmentA: string;
  attachmentB: string;
  /** The storage key of customer B's file. */
  storageKeyB: string;
}

export async function seedRlsFixture(db: Database): Promise<RlsFixture> {
  const id = () => randomUUID();
  const userId = { customerA: id(), customerB: id(), agent: id(), admin: id() };
  const spareAgent = id();
  await db.insert(users).values([
    { id: userId.customerA, email: 'ana@customer.test', name: 'Ana' },
    { id: userId.customerB, email: 'ben@customer.test', name: 'Ben' },
    { id: userId.agent, email: 'aga@team.test', name: 'Aga' },
    { id: userId.admin, email: 'adam@team.test', name: 'Adam' },
    { id: spareAgent, email: 'sam@team.test', name: 'Sam' },
  ]);
  await db.insert(teamMembers).values([
    { id: userId.agent, displayName: 'Aga', role: 'agent' },
    { id: userId.admin, displayName: 'Adam', role: 'admin' },
    { id: spareAgent, displayName: 'Sam', role: 'agent' },
  ]);
  const [ticketA, ticketAEmpty, ticketB] = [id(), id(), id()];
  await db.insert(tickets).values([
    { id: ticketA, title: 'Export fails', description: 'CSV export spins forever', customerId: userId.customerA },
    { id: ticketAEmpty, title: 'Dark mode?', description: 'Is there one?', customerId: userId.customerA },
    { id: ticketB, title: 'Invoice address', description: 'Please change it', customerId: userId.customerB },
  ]);
  const [publicMessageA, internalNoteA, publicMessageB] = [id(), id(), id()];
  await db.insert(ticketMessages).values([
    { id: publicMessageA, ticketId: ticketA, senderId: userId.customerA, message: 'CSV export spins forever' },
    { id: internalNoteA, ticketId: ticketA, senderId: userId.agent, message: 'Known bug, see ENG-42', isInternal: true },
    { id: publicMessageB, ticketId: ticketB, senderId: userId.customerB, message: 'Please change it' },
  ]);
  const [tag, unusedTag] = [id(), id()];
  await db.insert(ticketTags).values([
    { id: tag, name: 'billing', color: '#0055ff' },
    { id: unusedTag, name: 'unused', color: '#999999' },
  ]);
  await db.insert(ticketTagRelations).values([
    { ticketId: ticketA, tagId: tag },
    { ticketId: ticketB, tagId: tag },
  ]);
  await db.insert(ticketMetadata).values([
    { ticketId: ticketA, key: 'plan', value: 'pro' },
    { ticketId: ticketB, key: 'plan', value: 'free' },
  ]);
  const template = id();
  await db.insert(ticketTemplates).values({ id: template, name: 'Bug report', fields: [{ key: 'url', label: 'Page', type: 'url', required: true }] });
  const idempotencyKey = 'key-1';
  await db.insert(idempotencyKeys).values([
    { userId: userId.customerA, key: idempotencyKey, requestHash: 'a', responseStatus: 201, responseBody: { id: 'x' } },
    { userId: userId.customerB, key: idempotencyKey, requestHash: 'b', responseStatus: 201, responseBody: { id: 'y' } },
    { userId: userId.agent, key: idempotencyKey, requestHash: 'c', responseStatus: 201, responseBody: { id: 'z' } },
    { userId: userId.admin, key: idempotencyKey, requestHash: 'd', responseStatus: 201, responseBody: { id: 'w' } },
  ]);
  await db.insert(slaTargets).values([{ priority: 'low', resolutionHours: 120 }, { priority: 'urgent', resolutionHours: 4 }]).onConflictDoNothing();
  const [attachmentA, internalAttachmentA, attachmentB] = [id(), id(), id()];
  const storageKey = () => randomUUID().replace(/-/g, '');
  const storageKeyB = storageKey();
  const file = { position: 0, contentType: 'application/pdf', size: 1234, sha256: 'a'.repeat(64) };
  await db.insert(ticketAttachments).values([
    { ...file, id: attachmentA, ticketId: ticketA, messageId: publicMessageA, uploaderId: userId.customerA, storageKey: storageKey(), name: 'export.pdf' },
    { ...file, id: internalAttachmentA, ticketId: ticketA, messageId: internalNoteA, uploaderId: userId.agent, storageKey: storageKey(), name: 'eng-42.pdf' },
    { ...file, id: attachmentB, ticketId: ticketB, messageId: publicMessageB, uploaderId: userId.customerB, storageKey: storageKeyB, name: 'address.pdf' },
  ]);
  return { userId, ticketA, ticketAEmpty, ticketB, publicMessageA, internalNoteA, publicMessageB, tag, unusedTag, spareAgent, template, idempotencyKey, attachmentA, internalAttachmentA, attachmentB, storageKeyB };
}

class RolledBack<T> extends Error {
  readonly value: T;
  constructor(value: T) {
    super('rolled back on purpose');
    this.value = value;
  }
}

/** Runs `work` as `actor` in a transaction that is rolled back whatever happens. */
export async function asActor<T>(db: Database, fixture: RlsFixture, actor: Actor, work: (tx: Tx) => Promise<T>): Promise<T> {
  const claims = actor === 'nobody' ? null : { sub: fixture.userId[actor], role: 'authenticated' };
  try {
    await withClaims(db, claims, async (tx) => {
      throw new RolledBack(await work(tx));
    });
  } catch (error) {
    if (error instanceof RolledBack) return error.value as T;
    throw error;
  }
  throw new Error('unreachable');
}

export type WriteOutcome =
  | { outcome: 'written'; rowsChanged: number }
  | { outcome: 'refused'; sqlState: string }
  | { outcome: 'no rows changed'; unchanged: boolean };

/**
 * Attempts a write as `actor`. A refusal is either the database's error (RLS `with check`, a
 * missing privilege, a guard trigger: SQLSTATE 42501, or a check constraint) or zero rows
 * changed; in the latter case the target is re-read past RLS, in the same transaction, and
 * compared with how it was before.
 */
export async function attemptWrite(
  db: Database,
  fixture: RlsFixture,
  actor: Actor,
  write: (tx: Tx) => Promise<unknown>,
  rereadTarget?: (tx: Tx) => Promise<unknown>,
): Promise<WriteOutcome> {
  return asActor(db, fixture, actor, async (tx) => {
    const before = rereadTarget ? await asSystem(tx, rereadTarget) : undefined;
    let rowsChanged: number;
    try {
      await tx.execute(sql`savepoint attempt`);
      rowsChanged = affectedRows(await write(tx));
    } catch (error) {
      const sqlState = sqlStateOf(error);
      if (!sqlState) throw error;
      await tx.execute(sql`rollback to savepoint attempt`);
      return { outcome: 'refused', sqlState };
    }
    if (rowsChanged > 0) return { outcome: 'written', rowsChanged };
    const after = rereadTarget ? await asSystem(tx, rereadTarget) : undefined;
    return { outcome: 'no rows changed', unchanged: JSON.stringify(before) === JSON.stringify(after) };
  });
}

/** How many rows a write changed, whichever driver ran it (postgres.js: count; PGlite: affectedRows). */
export function affectedRows(result: unknown): number {
  if (Array.isArray(result) && !('count' in result)) return result.length;
  const { count, affectedRows: affected } = result as { count?: number; affectedRows?: number };
  const rows = count ?? affected;
  if (typeof rows !== 'number') throw new Error('The driver reported no affected-row count for this write.');
  return rows;
}

/** Reads as the connection's own role for a moment, then returns to the actor's. */
async function asSystem<T>(tx: Tx, read: (tx: Tx) => Promise<T>): Promise<T> {
  await tx.execute(sql`reset role`);
  try {
    return await read(tx);
  } finally {
    await tx.execute(sql`set local role authenticated`);
  }
}

export { INSUFFICIENT_PRIVILEGE };
