/**
 * The access matrix: every table × operation × actor (customer A, customer B, an agent, an
 * admin, a transaction with no claims), with the case that must be allowed and the case that
 * must be denied. Denied reads come back empty; denied writes fail with the database's error or
 * change no row (re-read past RLS, unchanged). Every case runs in a rolled-back transaction.
 */
import { randomUUID } from 'node:crypto';
import { and, eq, sql } from 'drizzle-orm';
import { queryRows } from '../../db/query-rows.ts';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { idempotencyKeys, slaTargets, ticketAttachments, ticketEvents, ticketSearch, teamMembers, ticketMessages, ticketMetadata, tickets, ticketTagRelations, ticketTags, ticketTemplates, users } from '../../db/schema/index.ts';
import type { Tx } from '../../db/rls.ts';
import { actors, asActor, attemptWrite, seedRlsFixture, type Actor, type RlsFixture } from '../support/rls-fixture.ts';
import { createTestDatabase, enginesUnderTest, type TestDatabase } from '../support/test-database.ts';

const tables = [
  'tickets', 'ticket_messages', 'ticket_attachments', 'ticket_tags', 'ticket_tag_relations', 'ticket_metadata', 'team_members',
  'ticket_templates', 'idempotency_keys', 'sla_targets', 'ticket_events', 'ticket_search', 'auth.users',
] as const;
const operations = ['select', 'insert', 'update', 'delete'] as const;
type Table = (typeof tables)[number];
type Operation = (typeof operations)[number];

interface MatrixCase {
  table: Table;
  operation: Operation;
  actor: Actor;
  expected: 'allowed' | 'denied';
  what: string;
  /**
   * A read returns the rows it sees; a write returns the driver's result, whose affected-row
   * count is what counts. Writes do not use `returning`, which would also need the new row to
   * be visible and so would test the select policy instead of the write's.
   */
  run: (tx: Tx, f: RlsFixture) => Promise<unknown>;
  /** For denied updates and deletes: the row to re-read past RLS to prove it did not change. */
  target?: (tx: Tx, f: RlsFixture) => Promise<unknown>;
}

const customers = [
  { actor: 'customerA', other: 'customerB', own: (f: RlsFixture) => f.ticketA, others: (f: RlsFixture) => f.ticketB, ownMessage: (f: RlsFixture) => f.publicMessageA },
  { actor: 'customerB', other: 'customerA', own: (f: RlsFixture) => f.ticketB, others: (f: RlsFixture) => f.ticketA, ownMessage: (f: RlsFixture) => f.publicMessageB },
] as const;
const team = ['agent', 'admin'] as const;
const epoch = new Date('2001-01-01T00:00:00Z');

const ticketRow = (tx: Tx, id: string) => tx.select().from(tickets).where(eq(tickets.id, id));
const messageRow = (tx: Tx, id: string) => tx.select().from(ticketMessages).where(eq(ticketMessages.id, id));
const newTicket = (customerId: string) => ({ title: 'Cannot log in', description: 'It says my password is wrong', customerId });
const attachmentRow = (tx: Tx, id: string) => tx.select().from(ticketAttachments).where(eq(ticketAttachments.id, id));
/** A file recorded for a message (by default a new one, being written in the same transaction). */
const newAttachment = (ticketId: string, uploaderId: string, overrides: Partial<typeof ticketAttachments.$inferInsert> = {}) => ({
  ticketId,
  uploaderId,
  messageId: randomUUID(),
  position: 0,
  storageKey: randomUUID().replace(/-/g, ''),
  name: 'screenshot.png',
  contentType: 'image/png',
  size: 2048,
  sha256: 'b'.repeat(64),
  ...overrides,
});

const matrix: MatrixCase[] = [
  // ── tickets ──────────────────────────────────────────────────────────────────────────────
  ...customers.flatMap(({ actor, other, own, others }): MatrixCase[] => [
    { table: 'tickets', operation: 'select', actor, expected: 'allowed', what: 'reads their own ticket', run: (tx, f) => ticketRow(tx, own(f)) },
    { table: 'tickets', operation: 'select', actor, expected: 'denied', what: "reads another customer's ticket", run: (tx, f) => ticketRow(tx, others(f)) },
    { table: 'tickets', operation: 'insert', actor, expected: 'allowed', what: 'opens a ticket for themselves', run: (tx, f) => tx.insert(tickets).values(newTicket(f.userId[actor])) },
    { table: 'tickets', operation: 'insert', actor, expected: 'denied', what: 'opens a ticket in another customer’s name', run: (tx, f) => tx.insert(tickets).values(newTicket(f.userId[other])) },
    { table: 'tickets', operation: 'insert', actor, expected: 'denied', what: 'opens a ticket already resolved', run: (tx, f) => tx.insert(tickets).values({ ...newTicket(f.userId[actor]), status: 'resolved' }) },
    { table: 'tickets', operation: 'insert', actor, expected: 'denied', what: 'opens a ticket assigned to an agent', run: (tx, f) => tx.insert(tickets).values({ ...newTicket(f.userId[actor]), assignedTo: f.userId.agent }) },
    { table: 'tickets', operation: 'insert', actor, expected: 'denied', what: 'opens a ticket with its own due date', run: (tx, f) => tx.insert(tickets).values({ ...newTicket(f.userId[actor]), dueDate: new Date(Date.now() + 3600_000) }) },
    { table: 'tickets', operation: 'insert', actor, expected: 'denied', what: 'opens a ticket with a first response already recorded', run: (tx, f) => tx.insert(tickets).values({ ...newTicket(f.userId[actor]), firstResponseAt: new Date() }) },
    { table: 'tickets', operation: 'insert', actor, expected: 'denied', what: 'opens a backdated ticket', run: (tx, f) => tx.insert(tickets).values({ ...newTicket(f.userId[actor]), createdAt: epoch }) },
    { table: 'tickets', operation: 'update', actor, expected: 'allowed', what: 'closes their own ticket', run: (tx, f) => tx.update(tickets).set({ status: 'closed' }).where(eq(tickets.id, own(f))) },
    { table: 'tickets', operation: 'update', actor, expected: 'denied', what: "closes another customer's ticket", run: (tx, f) => tx.update(tickets).set({ status: 'closed' }).where(eq(tickets.id, others(f))), target: (tx, f) => ticketRow(tx, others(f)) },
    { table: 'tickets', operation: 'update', actor, expected: 'denied', what: 'moves their own ticket to in progress', run: (tx, f) => tx.update(tickets).set({ status: 'in_progress' }).where(eq(tickets.id, own(f))), target: (tx, f) => ticketRow(tx, own(f)) },
    { table: 'tickets', operation: 'update', actor, expected: 'denied', what: 'raises the priority while closing', run: (tx, f) => tx.update(tickets).set({ status: 'closed', priority: 'urgent' }).where(eq(tickets.id, own(f))), target: (tx, f) => ticketRow(tx, own(f)) },
    { table: 'tickets', operation: 'update', actor, expected: 'denied', what: 'assigns their ticket to an agent while closing', run: (tx, f) => tx.update(tickets).set({ status: 'closed', assignedTo: f.userId.agent }).where(eq(tickets.id, own(f))), target: (tx, f) => ticketRow(tx, own(f)) },
    { table: 'tickets', operation: 'delete', actor, expected: 'denied', what: 'deletes their own ticket', run: (tx, f) => tx.delete(tickets).where(eq(tickets.id, actor === 'customerA' ? f.ticketAEmpty : own(f))), target: (tx, f) => ticketRow(tx, actor === 'customerA' ? f.ticketAEmpty : own(f)) },
  ]),
  ...team.flatMap((actor): MatrixCase[] => [
    { table: 'tickets', operation: 'select', actor, expected: 'allowed', what: "reads every customer's tickets", run: (tx, f) => tx.select().from(tickets).where(eq(tickets.customerId, f.userId.customerB)) },
    { table: 'tickets', operation: 'insert', actor, expected: 'allowed', what: 'opens a ticket on behalf of a customer, assigned', run: (tx, f) => tx.insert(tickets).values({ ...newTicket(f.userId.customerA), assignedTo: f.userId.agent, priority: 'high' }) },
    { table: 'tickets', operation: 'insert', actor, expected: 'denied', what: 'opens a backdated ticket', run: (tx, f) => tx.insert(tickets).values({ ...newTicket(f.userId.customerA), createdAt: epoch }) },
    { table: 'tickets', operation: 'update', actor, expected: 'allowed', what: 'assigns, prioritises and moves a ticket', run: (tx, f) => tx.update(tickets).set({ status: 'in_progress', priority: 'high', assignedTo: f.userId.agent }).where(eq(tickets.id, f.ticketB)) },
    { table: 'tickets', operation: 'update', actor, expected: 'denied', what: 'moves a ticket to another customer', run: (tx, f) => tx.update(tickets).set({ customerId: f.userId.customerA }).where(eq(tickets.id, f.ticketB)), target: (tx, f) => ticketRow(tx, f.ticketB) },
    { table: 'tickets', operation: 'update', actor, expected: 'denied', what: 'rewrites when a ticket was created', run: (tx, f) => tx.update(tickets).set({ createdAt: epoch }).where(eq(tickets.id, f.ticketB)), target: (tx, f) => ticketRow(tx, f.ticketB) },
    { table: 'tickets', operation: 'delete', actor, expected: 'allowed', what: 'deletes a ticket', run: (tx, f) => tx.delete(tickets).where(eq(tickets.id, f.ticketAEmpty)) },
  ]),
  { table: 'tickets', operation: 'select', actor: 'nobody', expected: 'denied', what: 'reads any ticket', run: (tx) => tx.select().from(tickets) },
  { table: 'tickets', operation: 'insert', actor: 'nobody', expected: 'denied', what: 'opens a ticket', run: (tx, f) => tx.insert(tickets).values(newTicket(f.userId.customerA)) },
  { table: 'tickets', operation: 'update', actor: 'nobody', expected: 'denied', what: 'closes a ticket', run: (tx, f) => tx.update(tickets).set({ status: 'closed' }).where(eq(tickets.id, f.ticketA)), target: (tx, f) => ticketRow(tx, f.ticketA) },
  { table: 'tickets', operation: 'delete', actor: 'nobody', expected: 'denied', what: 'deletes a ticket', run: (tx, f) => tx.delete(tickets).where(eq(tickets.id, f.ticketAEmpty)), target: (tx, f) => ticketRow(tx, f.ticketAEmpty) },

  // ── ticket_messages ──────────────────────────────────────────────────────────────────────
  ...customers.flatMap(({ actor, own, others, ownMessage }): MatrixCase[] => [
    { table: 'ticket_messages', operation: 'select', actor, expected: 'allowed', what: 'reads their own thread', run: (tx, f) => tx.select().from(ticketMessages).where(eq(ticketMessages.ticketId, own(f))) },
    { table: 'ticket_messages', operation: 'select', actor, expected: 'denied', what: "reads another customer's thread", run: (tx, f) => tx.select().from(ticketMessages).where(eq(ticketMessages.ticketId, others(f))) },
    { table: 'ticket_messages', operation: 'insert', actor, expected: 'allowed', what: 'replies on their own ticket', run: (tx, f) => tx.insert(ticketMessages).values({ ticketId: own(f), senderId: f.userId[actor], message: 'Any news?' }) },
    { table: 'ticket_messages', operation: 'insert', actor, expected: 'denied', what: "replies on another customer's ticket", run: (tx, f) => tx.insert(ticketMessages).values({ ticketId: others(f), senderId: f.userId[actor], message: 'Hello' }) },
    { table: 'ticket_messages', operation: 'insert', actor, expected: 'denied', what: 'replies in the name of an agent', run: (tx, f) => tx.insert(ticketMessages).values({ ticketId: own(f), senderId: f.userId.agent, message: 'Refund approved' }) },
    { table: 'ticket_messages', operation: 'insert', actor, expected: 'denied', what: 'writes an internal note', run: (tx, f) => tx.insert(ticketMessages).values({ ticketId: own(f), senderId: f.userId[actor], message: 'VIP, refund at once', isInternal: true }) },
    { table: 'ticket_messages', operation: 'insert', actor, expected: 'denied', what: 'invents attachment descriptors', run: (tx, f) => tx.insert(ticketMessages).values({ ticketId: own(f), senderId: f.userId[actor], message: 'see file', attachments: [{ id: randomUUID(), name: 'x.pdf' }] }) },
    { table: 'ticket_messages', operation: 'insert', actor, expected: 'denied', what: 'backdates a reply', run: (tx, f) => tx.insert(ticketMessages).values({ ticketId: own(f), senderId: f.userId[actor], message: 'I wrote this last year', createdAt: epoch }) },
    { table: 'ticket_messages', operation: 'update', actor, expected: 'denied', what: 'edits their own message', run: (tx, f) => tx.update(ticketMessages).set({ message: 'edited' }).where(eq(ticketMessages.id, ownMessage(f))), target: (tx, f) => messageRow(tx, ownMessage(f)) },
    { table: 'ticket_messages', operation: 'delete', actor, expected: 'denied', what: 'deletes their own message', run: (tx, f) => tx.delete(ticketMessages).where(eq(ticketMessages.id, ownMessage(f))), target: (tx, f) => messageRow(tx, ownMessage(f)) },
  ]),
  { table: 'ticket_messages', operation: 'select', actor: 'customerA', expected: 'denied', what: 'reads the internal note on their own ticket', run: (tx, f) => messageRow(tx, f.internalNoteA) },
  ...team.flatMap((actor): MatrixCase[] => [
    { table: 'ticket_messages', operation: 'select', actor, expected: 'allowed', what: 'reads internal notes', run: (tx, f) => messageRow(tx, f.internalNoteA) },
    { table: 'ticket_messages', operation: 'insert', actor, expected: 'allowed', what: 'writes an internal note', run: (tx, f) => tx.insert(ticketMessages).values({ ticketId: f.ticketB, senderId: f.userId[actor], message: 'Check billing', isInternal: true }) },
    { table: 'ticket_messages', operation: 'insert', actor, expected: 'denied', what: 'replies in the name of the customer', run: (tx, f) => tx.insert(ticketMessages).values({ ticketId: f.ticketB, senderId: f.userId.customerB, message: 'Never mind, solved' }) },
    { table: 'ticket_messages', operation: 'update', actor, expected: 'allowed', what: 'redacts a message', run: (tx, f) => tx.update(ticketMessages).set({ message: '[redacted]' }).where(eq(ticketMessages.id, f.publicMessageB)) },
    { table: 'ticket_messages', operation: 'update', actor, expected: 'denied', what: 'changes who sent a message', run: (tx, f) => tx.update(ticketMessages).set({ senderId: f.userId[actor] }).where(eq(ticketMessages.id, f.publicMessageB)), target: (tx, f) => messageRow(tx, f.publicMessageB) },
    { table: 'ticket_messages', operation: 'delete', actor, expected: 'allowed', what: 'deletes a message', run: (tx, f) => tx.delete(ticketMessages).where(eq(ticketMessages.id, f.publicMessageB)) },
  ]),
  // Files on messages: the message's descriptors are derived from its sender's own uploads.
  ...customers.flatMap(({ actor, own }): MatrixCase[] => [
    {
      table: 'ticket_messages', operation: 'insert', actor, expected: 'allowed', what: 'replies with a file they uploaded for it',
      run: async (tx, f) => {
        const file = newAttachment(own(f), f.userId[actor]);
        await tx.insert(ticketAttachments).values(file);
        return tx.insert(ticketMessages).values({ id: file.messageId, ticketId: own(f), senderId: f.userId[actor], message: 'Screenshot attached' });
      },
    },
    {
      table: 'ticket_messages', operation: 'insert', actor, expected: 'denied', what: 'copies the descriptors of their own upload into the reply',
      run: async (tx, f) => {
        const file = newAttachment(own(f), f.userId[actor]);
        await tx.insert(ticketAttachments).values(file);
        return tx.insert(ticketMessages).values({ id: file.messageId, ticketId: own(f), senderId: f.userId[actor], message: 'see file', attachments: [{ id: randomUUID(), name: 'x.png', type: 'image/png', size: 2048 }] });
      },
    },
  ]),
  {
    table: 'ticket_messages', operation: 'insert', actor: 'customerA', expected: 'denied', what: 'moves a file uploaded for one of their tickets onto a reply on another',
    run: async (tx, f) => {
      const file = newAttachment(f.ticketAEmpty, f.userId.customerA);
      await tx.insert(ticketAttachments).values(file);
      return tx.insert(ticketMessages).values({ id: file.messageId, ticketId: f.ticketA, senderId: f.userId.customerA, message: 'see file' });
    },
  },
  ...team.map((actor): MatrixCase => ({
    table: 'ticket_messages', operation: 'insert', actor, expected: 'allowed', what: 'writes an internal note with a file',
    run: async (tx, f) => {
      const file = newAttachment(f.ticketB, f.userId[actor]);
      await tx.insert(ticketAttachments).values(file);
      return tx.insert(ticketMessages).values({ id: file.messageId, ticketId: f.ticketB, senderId: f.userId[actor], message: 'Logs attached', isInternal: true });
    },
  })),
  { table: 'ticket_messages', operation: 'select', actor: 'nobody', expected: 'denied', what: 'reads any message', run: (tx) => tx.select().from(ticketMessages) },
  { table: 'ticket_messages', operation: 'insert', actor: 'nobody', expected: 'denied', what: 'posts a message', run: (tx, f) => tx.insert(ticketMessages).values({ ticketId: f.ticketA, senderId: f.userId.customerA, message: 'hi' }) },
  { table: 'ticket_messages', operation: 'update', actor: 'nobody', expected: 'denied', what: 'edits a message', run: (tx, f) => tx.update(ticketMessages).set({ message: 'x' }).where(eq(ticketMessages.id, f.publicMessageA)), target: (tx, f) => messageRow(tx, f.publicMessageA) },
  { table: 'ticket_messages', operation: 'delete', actor: 'nobody', expected: 'denied', what: 'deletes a message', run: (tx, f) => tx.delete(ticketMessages).where(eq(ticketMessages.id, f.publicMessageA)), target: (tx, f) => messageRow(tx, f.publicMessageA) },

  // ── ticket_attachments: mirror the messages they belong to ─────────────────────────────────
  ...customers.flatMap(({ actor, other, own, others, ownMessage }): MatrixCase[] => {
    const ownFile = (f: RlsFixture) => (actor === 'customerA' ? f.attachmentA : f.attachmentB);
    const othersFile = (f: RlsFixture) => (actor === 'customerA' ? f.attachmentB : f.attachmentA);
    return [
      { table: 'ticket_attachments', operation: 'select', actor, expected: 'allowed', what: 'reads the file on their own message', run: (tx, f) => attachmentRow(tx, ownFile(f)) },
      { table: 'ticket_attachments', operation: 'select', actor, expected: 'denied', what: "reads the file on another customer's message", run: (tx, f) => attachmentRow(tx, othersFile(f)) },
      { table: 'ticket_attachments', operation: 'insert', actor, expected: 'allowed', what: 'records a file for the reply they are writing on their own ticket', run: (tx, f) => tx.insert(ticketAttachments).values(newAttachment(own(f), f.userId[actor])) },
      { table: 'ticket_attachments', operation: 'insert', actor, expected: 'denied', what: "records a file on another customer's ticket", run: (tx, f) => tx.insert(ticketAttachments).values(newAttachment(others(f), f.userId[actor])) },
      { table: 'ticket_attachments', operation: 'insert', actor, expected: 'denied', what: 'records a file in the name of another customer', run: (tx, f) => tx.insert(ticketAttachments).values(newAttachment(own(f), f.userId[other])) },
      { table: 'ticket_attachments', operation: 'insert', actor, expected: 'denied', what: 'attaches a file to a message already written', run: (tx, f) => tx.insert(ticketAttachments).values(newAttachment(own(f), f.userId[actor], { messageId: ownMessage(f) })) },
      { table: 'ticket_attachments', operation: 'insert', actor, expected: 'denied', what: "points a new row at another customer's stored file", run: (tx, f) => tx.insert(ticketAttachments).values(newAttachment(own(f), f.userId[actor], { storageKey: f.storageKeyB })) },
      { table: 'ticket_attachments', operation: 'insert', actor, expected: 'denied', what: 'backdates an upload', run: (tx, f) => tx.insert(ticketAttachments).values(newAttachment(own(f), f.userId[actor], { createdAt: epoch })) },
      { table: 'ticket_attachments', operation: 'update', actor, expected: 'denied', what: 'renames their own file', run: (tx, f) => tx.update(ticketAttachments).set({ name: 'renamed.pdf' }).where(eq(ticketAttachments.id, ownFile(f))), target: (tx, f) => attachmentRow(tx, ownFile(f)) },
      { table: 'ticket_attachments', operation: 'update', actor, expected: 'denied', what: 'retypes their own file as HTML', run: (tx, f) => tx.update(ticketAttachments).set({ contentType: 'text/html' }).where(eq(ticketAttachments.id, ownFile(f))), target: (tx, f) => attachmentRow(tx, ownFile(f)) },
      { table: 'ticket_attachments', operation: 'delete', actor, expected: 'denied', what: 'deletes their own file', run: (tx, f) => tx.delete(ticketAttachments).where(eq(ticketAttachments.id, ownFile(f))), target: (tx, f) => attachmentRow(tx, ownFile(f)) },
    ];
  }),
  { table: 'ticket_attachments', operation: 'select', actor: 'customerA', expected: 'denied', what: 'reads the file on the internal note on their own ticket', run: (tx, f) => attachmentRow(tx, f.internalAttachmentA) },
  ...team.flatMap((actor): MatrixCase[] => [
    { table: 'ticket_attachments', operation: 'select', actor, expected: 'allowed', what: 'reads the file on an internal note', run: (tx, f) => attachmentRow(tx, f.internalAttachmentA) },
    { table: 'ticket_attachments', operation: 'insert', actor, expected: 'allowed', what: 'records a file for the note they are writing', run: (tx, f) => tx.insert(ticketAttachments).values(newAttachment(f.ticketB, f.userId[actor])) },
    { table: 'ticket_attachments', operation: 'insert', actor, expected: 'denied', what: 'records a file in the name of the customer', run: (tx, f) => tx.insert(ticketAttachments).values(newAttachment(f.ticketB, f.userId.customerB)) },
    { table: 'ticket_attachments', operation: 'insert', actor, expected: 'denied', what: "attaches a file to the customer's message", run: (tx, f) => tx.insert(ticketAttachments).values(newAttachment(f.ticketB, f.userId[actor], { messageId: f.publicMessageB })) },
    { table: 'ticket_attachments', operation: 'update', actor, expected: 'denied', what: 'moves a file to another message', run: (tx, f) => tx.update(ticketAttachments).set({ messageId: f.publicMessageA }).where(eq(ticketAttachments.id, f.attachmentB)), target: (tx, f) => attachmentRow(tx, f.attachmentB) },
    { table: 'ticket_attachments', operation: 'delete', actor, expected: 'denied', what: 'deletes a file row (deleting its message does)', run: (tx, f) => tx.delete(ticketAttachments).where(eq(ticketAttachments.id, f.attachmentB)), target: (tx, f) => attachmentRow(tx, f.attachmentB) },
  ]),
  { table: 'ticket_attachments', operation: 'select', actor: 'nobody', expected: 'denied', what: 'reads any file', run: (tx) => tx.select().from(ticketAttachments) },
  { table: 'ticket_attachments', operation: 'insert', actor: 'nobody', expected: 'denied', what: 'records a file', run: (tx, f) => tx.insert(ticketAttachments).values(newAttachment(f.ticketA, f.userId.customerA)) },
  { table: 'ticket_attachments', operation: 'update', actor: 'nobody', expected: 'denied', what: 'renames a file', run: (tx, f) => tx.update(ticketAttachments).set({ name: 'x' }).where(eq(ticketAttachments.id, f.attachmentA)), target: (tx, f) => attachmentRow(tx, f.attachmentA) },
  { table: 'ticket_attachments', operation: 'delete', actor: 'nobody', expected: 'denied', what: 'deletes a file', run: (tx, f) => tx.delete(ticketAttachments).where(eq(ticketAttachments.id, f.attachmentA)), target: (tx, f) => attachmentRow(tx, f.attachmentA) },

  // ── ticket_tags ──────────────────────────────────────────────────────────────────────────
  ...(['customerA', 'customerB'] as const).flatMap((actor): MatrixCase[] => [
    { table: 'ticket_tags', operation: 'select', actor, expected: 'allowed', what: 'reads the tag catalogue', run: (tx) => tx.select().from(ticketTags) },
    { table: 'ticket_tags', operation: 'insert', actor, expected: 'denied', what: 'creates a tag', run: (tx) => tx.insert(ticketTags).values({ name: 'vip', color: '#ff0000' }) },
    { table: 'ticket_tags', operation: 'update', actor, expected: 'denied', what: 'renames a tag', run: (tx, f) => tx.update(ticketTags).set({ name: 'renamed' }).where(eq(ticketTags.id, f.tag)), target: (tx, f) => tx.select().from(ticketTags).where(eq(ticketTags.id, f.tag)) },
    { table: 'ticket_tags', operation: 'delete', actor, expected: 'denied', what: 'deletes a tag', run: (tx, f) => tx.delete(ticketTags).where(eq(ticketTags.id, f.unusedTag)), target: (tx, f) => tx.select().from(ticketTags).where(eq(ticketTags.id, f.unusedTag)) },
  ]),
  ...team.flatMap((actor): MatrixCase[] => [
    { table: 'ticket_tags', operation: 'select', actor, expected: 'allowed', what: 'reads the tag catalogue', run: (tx) => tx.select().from(ticketTags) },
    { table: 'ticket_tags', operation: 'insert', actor, expected: 'allowed', what: 'creates a tag', run: (tx) => tx.insert(ticketTags).values({ name: 'vip', color: '#ff0000' }) },
    { table: 'ticket_tags', operation: 'insert', actor, expected: 'denied', what: 'creates a tag whose color is not a color', run: (tx) => tx.insert(ticketTags).values({ name: 'css', color: 'red;background:url(//x)' }) },
    { table: 'ticket_tags', operation: 'update', actor, expected: 'allowed', what: 'recolors a tag', run: (tx, f) => tx.update(ticketTags).set({ color: '#00aa00' }).where(eq(ticketTags.id, f.tag)) },
    { table: 'ticket_tags', operation: 'update', actor, expected: 'denied', what: 'rewrites when a tag was created', run: (tx, f) => tx.update(ticketTags).set({ createdAt: epoch }).where(eq(ticketTags.id, f.tag)), target: (tx, f) => tx.select().from(ticketTags).where(eq(ticketTags.id, f.tag)) },
    { table: 'ticket_tags', operation: 'delete', actor, expected: 'allowed', what: 'deletes an unused tag', run: (tx, f) => tx.delete(ticketTags).where(eq(ticketTags.id, f.unusedTag)) },
  ]),
  { table: 'ticket_tags', operation: 'select', actor: 'nobody', expected: 'denied', what: 'reads the tag catalogue', run: (tx) => tx.select().from(ticketTags) },
  { table: 'ticket_tags', operation: 'insert', actor: 'nobody', expected: 'denied', what: 'creates a tag', run: (tx) => tx.insert(ticketTags).values({ name: 'x', color: '#000000' }) },
  { table: 'ticket_tags', operation: 'update', actor: 'nobody', expected: 'denied', what: 'renames a tag', run: (tx, f) => tx.update(ticketTags).set({ name: 'y' }).where(eq(ticketTags.id, f.tag)), target: (tx, f) => tx.select().from(ticketTags).where(eq(ticketTags.id, f.tag)) },
  { table: 'ticket_tags', operation: 'delete', actor: 'nobody', expected: 'denied', what: 'deletes a tag', run: (tx, f) => tx.delete(ticketTags).where(eq(ticketTags.id, f.unusedTag)), target: (tx, f) => tx.select().from(ticketTags).where(eq(ticketTags.id, f.unusedTag)) },

  // ── ticket_tag_relations ─────────────────────────────────────────────────────────────────
  ...customers.flatMap(({ actor, own, others }): MatrixCase[] => [
    { table: 'ticket_tag_relations', operation: 'select', actor, expected: 'allowed', what: "reads their own ticket's tags", run: (tx, f) => tx.select().from(ticketTagRelations).where(eq(ticketTagRelations.ticketId, own(f))) },
    { table: 'ticket_tag_relations', operation: 'select', actor, expected: 'denied', what: "reads another customer's ticket's tags", run: (tx, f) => tx.select().from(ticketTagRelations).where(eq(ticketTagRelations.ticketId, others(f))) },
    { table: 'ticket_tag_relations', operation: 'insert', actor, expected: 'denied', what: 'tags their own ticket', run: (tx, f) => tx.insert(ticketTagRelations).values({ ticketId: own(f), tagId: f.unusedTag }) },
    { table: 'ticket_tag_relations', operation: 'update', actor, expected: 'denied', what: 'swaps a tag on their own ticket', run: (tx, f) => tx.update(ticketTagRelations).set({ tagId: f.unusedTag }).where(eq(ticketTagRelations.ticketId, own(f))) },
    { table: 'ticket_tag_relations', operation: 'delete', actor, expected: 'denied', what: 'untags their own ticket', run: (tx, f) => tx.delete(ticketTagRelations).where(eq(ticketTagRelations.ticketId, own(f))), target: (tx, f) => tx.select().from(ticketTagRelations).where(eq(ticketTagRelations.ticketId, own(f))) },
  ]),
  ...team.flatMap((actor): MatrixCase[] => [
    { table: 'ticket_tag_relations', operation: 'select', actor, expected: 'allowed', what: "reads any ticket's tags", run: (tx, f) => tx.select().from(ticketTagRelations).where(eq(ticketTagRelations.ticketId, f.ticketB)) },
    { table: 'ticket_tag_relations', operation: 'insert', actor, expected: 'allowed', what: 'tags a ticket', run: (tx, f) => tx.insert(ticketTagRelations).values({ ticketId: f.ticketB, tagId: f.unusedTag }) },
    { table: 'ticket_tag_relations', operation: 'insert', actor, expected: 'denied', what: 'tags a ticket with a backdated relation', run: (tx, f) => tx.insert(ticketTagRelations).values({ ticketId: f.ticketB, tagId: f.unusedTag, createdAt: epoch }) },
    { table: 'ticket_tag_relations', operation: 'update', actor, expected: 'denied', what: 'rewrites a relation in place (untag and tag instead)', run: (tx, f) => tx.update(ticketTagRelations).set({ tagId: f.unusedTag }).where(eq(ticketTagRelations.ticketId, f.ticketB)) },
    { table: 'ticket_tag_relations', operation: 'delete', actor, expected: 'allowed', what: 'untags a ticket', run: (tx, f) => tx.delete(ticketTagRelations).where(eq(ticketTagRelations.ticketId, f.ticketB)) },
  ]),
  { table: 'ticket_tag_relations', operation: 'select', actor: 'nobody', expected: 'denied', what: 'reads any relation', run: (tx) => tx.select().from(ticketTagRelations) },
  { table: 'ticket_tag_relations', operation: 'insert', actor: 'nobody', expected: 'denied', what: 'tags a ticket', run: (tx, f) => tx.insert(ticketTagRelations).values({ ticketId: f.ticketA, tagId: f.unusedTag }) },
  { table: 'ticket_tag_relations', operation: 'update', actor: 'nobody', expected: 'denied', what: 'swaps a tag', run: (tx, f) => tx.update(ticketTagRelations).set({ tagId: f.unusedTag }).where(eq(ticketTagRelations.ticketId, f.ticketA)) },
  { table: 'ticket_tag_relations', operation: 'delete', actor: 'nobody', expected: 'denied', what: 'untags a ticket', run: (tx, f) => tx.delete(ticketTagRelations).where(eq(ticketTagRelations.ticketId, f.ticketA)), target: (tx, f) => tx.select().from(ticketTagRelations).where(eq(ticketTagRelations.ticketId, f.ticketA)) },

  // ── ticket_metadata ──────────────────────────────────────────────────────────────────────
  ...customers.flatMap(({ actor, own, others }): MatrixCase[] => [
    { table: 'ticket_metadata', operation: 'select', actor, expected: 'allowed', what: "reads their own ticket's fields", run: (tx, f) => tx.select().from(ticketMetadata).where(eq(ticketMetadata.ticketId, own(f))) },
    { table: 'ticket_metadata', operation: 'select', actor, expected: 'denied', what: "reads another customer's ticket's fields", run: (tx, f) => tx.select().from(ticketMetadata).where(eq(ticketMetadata.ticketId, others(f))) },
    {
      table: 'ticket_metadata', operation: 'insert', actor, expected: 'allowed', what: 'fills in fields of the ticket they are opening',
      run: async (tx, f) => {
        const [created] = await tx.insert(tickets).values(newTicket(f.userId[actor])).returning({ id: tickets.id });
        return tx.insert(ticketMetadata).values({ ticketId: created!.id, key: 'order', value: 'A-1001' });
      },
    },
    { table: 'ticket_metadata', operation: 'insert', actor, expected: 'denied', what: 'adds fields to an existing ticket of theirs', run: (tx, f) => tx.insert(ticketMetadata).values({ ticketId: own(f), key: 'vip', value: true }) },
    { table: 'ticket_metadata', operation: 'insert', actor, expected: 'denied', what: "adds fields to another customer's ticket", run: (tx, f) => tx.insert(ticketMetadata).values({ ticketId: others(f), key: 'vip', value: true }) },
    { table: 'ticket_metadata', operation: 'update', actor, expected: 'denied', what: "changes their own ticket's field", run: (tx, f) => tx.update(ticketMetadata).set({ value: 'enterprise' }).where(eq(ticketMetadata.ticketId, own(f))), target: (tx, f) => tx.select().from(ticketMetadata).where(eq(ticketMetadata.ticketId, own(f))) },
    { table: 'ticket_metadata', operation: 'delete', actor, expected: 'denied', what: "removes their own ticket's field", run: (tx, f) => tx.delete(ticketMetadata).where(eq(ticketMetadata.ticketId, own(f))), target: (tx, f) => tx.select().from(ticketMetadata).where(eq(ticketMetadata.ticketId, own(f))) },
  ]),
  ...team.flatMap((actor): MatrixCase[] => [
    { table: 'ticket_metadata', operation: 'select', actor, expected: 'allowed', what: "reads any ticket's fields", run: (tx, f) => tx.select().from(ticketMetadata).where(eq(ticketMetadata.ticketId, f.ticketB)) },
    { table: 'ticket_metadata', operation: 'insert', actor, expected: 'allowed', what: 'adds a field to any ticket', run: (tx, f) => tx.insert(ticketMetadata).values({ ticketId: f.ticketB, key: 'region', value: 'eu' }) },
    { table: 'ticket_metadata', operation: 'insert', actor, expected: 'denied', what: 'adds a backdated field', run: (tx, f) => tx.insert(ticketMetadata).values({ ticketId: f.ticketB, key: 'region', value: 'eu', createdAt: epoch }) },
    { table: 'ticket_metadata', operation: 'update', actor, expected: 'allowed', what: 'changes a field', run: (tx, f) => tx.update(ticketMetadata).set({ value: 'team' }).where(eq(ticketMetadata.ticketId, f.ticketB)) },
    { table: 'ticket_metadata', operation: 'update', actor, expected: 'denied', what: 'moves a field to another ticket', run: (tx, f) => tx.update(ticketMetadata).set({ ticketId: f.ticketAEmpty }).where(eq(ticketMetadata.ticketId, f.ticketB)), target: (tx, f) => tx.select().from(ticketMetadata).where(eq(ticketMetadata.ticketId, f.ticketB)) },
    { table: 'ticket_metadata', operation: 'delete', actor, expected: 'allowed', what: 'removes a field', run: (tx, f) => tx.delete(ticketMetadata).where(eq(ticketMetadata.ticketId, f.ticketB)) },
  ]),
  { table: 'ticket_metadata', operation: 'select', actor: 'nobody', expected: 'denied', what: 'reads any field', run: (tx) => tx.select().from(ticketMetadata) },
  { table: 'ticket_metadata', operation: 'insert', actor: 'nobody', expected: 'denied', what: 'adds a field', run: (tx, f) => tx.insert(ticketMetadata).values({ ticketId: f.ticketA, key: 'k', value: 1 }) },
  { table: 'ticket_metadata', operation: 'update', actor: 'nobody', expected: 'denied', what: 'changes a field', run: (tx, f) => tx.update(ticketMetadata).set({ value: 2 }).where(eq(ticketMetadata.ticketId, f.ticketA)), target: (tx, f) => tx.select().from(ticketMetadata).where(eq(ticketMetadata.ticketId, f.ticketA)) },
  { table: 'ticket_metadata', operation: 'delete', actor: 'nobody', expected: 'denied', what: 'removes a field', run: (tx, f) => tx.delete(ticketMetadata).where(eq(ticketMetadata.ticketId, f.ticketA)), target: (tx, f) => tx.select().from(ticketMetadata).where(eq(ticketMetadata.ticketId, f.ticketA)) },

  // ── team_members ─────────────────────────────────────────────────────────────────────────
  ...(['customerA', 'customerB', 'agent'] as const).flatMap((actor): MatrixCase[] => [
    { table: 'team_members', operation: 'select', actor, expected: 'allowed', what: 'reads who is on the team', run: (tx, f) => tx.select().from(teamMembers).where(eq(teamMembers.id, f.userId.agent)) },
    { table: 'team_members', operation: 'insert', actor, expected: 'denied', what: 'makes themselves an admin', run: (tx, f) => tx.insert(teamMembers).values({ id: f.userId[actor], displayName: 'Me', role: 'admin' }) },
    { table: 'team_members', operation: 'update', actor, expected: 'denied', what: 'promotes an agent to admin', run: (tx, f) => tx.update(teamMembers).set({ role: 'admin' }).where(eq(teamMembers.id, f.userId.agent)), target: (tx, f) => tx.select().from(teamMembers).where(eq(teamMembers.id, f.userId.agent)) },
    { table: 'team_members', operation: 'delete', actor, expected: 'denied', what: 'removes a team member', run: (tx, f) => tx.delete(teamMembers).where(eq(teamMembers.id, f.spareAgent)), target: (tx, f) => tx.select().from(teamMembers).where(eq(teamMembers.id, f.spareAgent)) },
  ]),
  { table: 'team_members', operation: 'select', actor: 'admin', expected: 'allowed', what: 'reads who is on the team', run: (tx) => tx.select().from(teamMembers) },
  { table: 'team_members', operation: 'insert', actor: 'admin', expected: 'allowed', what: 'adds a customer to the team', run: (tx, f) => tx.insert(teamMembers).values({ id: f.userId.customerB, displayName: 'Ben', role: 'agent' }) },
  { table: 'team_members', operation: 'insert', actor: 'admin', expected: 'denied', what: 'adds a member with a backdated start', run: (tx, f) => tx.insert(teamMembers).values({ id: f.userId.customerB, displayName: 'Ben', createdAt: epoch }) },
  { table: 'team_members', operation: 'update', actor: 'admin', expected: 'allowed', what: 'promotes an agent', run: (tx, f) => tx.update(teamMembers).set({ role: 'admin' }).where(eq(teamMembers.id, f.userId.agent)) },
  { table: 'team_members', operation: 'update', actor: 'admin', expected: 'denied', what: "rewrites a member's user id", run: (tx, f) => tx.update(teamMembers).set({ id: f.userId.customerB }).where(eq(teamMembers.id, f.spareAgent)), target: (tx, f) => tx.select().from(teamMembers).where(eq(teamMembers.id, f.spareAgent)) },
  { table: 'team_members', operation: 'delete', actor: 'admin', expected: 'allowed', what: 'removes a team member', run: (tx, f) => tx.delete(teamMembers).where(eq(teamMembers.id, f.spareAgent)) },
  { table: 'team_members', operation: 'select', actor: 'nobody', expected: 'denied', what: 'reads who is on the team', run: (tx) => tx.select().from(teamMembers) },
  { table: 'team_members', operation: 'insert', actor: 'nobody', expected: 'denied', what: 'adds a member', run: (tx, f) => tx.insert(teamMembers).values({ id: f.userId.customerA, displayName: 'A' }) },
  { table: 'team_members', operation: 'update', actor: 'nobody', expected: 'denied', what: 'promotes an agent', run: (tx, f) => tx.update(teamMembers).set({ role: 'admin' }).where(eq(teamMembers.id, f.userId.agent)), target: (tx, f) => tx.select().from(teamMembers).where(eq(teamMembers.id, f.userId.agent)) },
  { table: 'team_members', operation: 'delete', actor: 'nobody', expected: 'denied', what: 'removes a member', run: (tx, f) => tx.delete(teamMembers).where(eq(teamMembers.id, f.spareAgent)), target: (tx, f) => tx.select().from(teamMembers).where(eq(teamMembers.id, f.spareAgent)) },

  // ── ticket_templates ─────────────────────────────────────────────────────────────────────
  ...(['customerA', 'customerB', 'agent', 'admin'] as const).map((actor): MatrixCase => (
    { table: 'ticket_templates', operation: 'select', actor, expected: 'allowed', what: 'reads the templates', run: (tx) => tx.select().from(ticketTemplates) }
  )),
  ...(['customerA', 'customerB', 'agent', 'nobody'] as const).flatMap((actor): MatrixCase[] => [
    { table: 'ticket_templates', operation: 'insert', actor, expected: 'denied', what: 'creates a template', run: (tx) => tx.insert(ticketTemplates).values({ name: 'Mine' }) },
    { table: 'ticket_templates', operation: 'update', actor, expected: 'denied', what: 'renames a template', run: (tx, f) => tx.update(ticketTemplates).set({ name: 'Renamed' }).where(eq(ticketTemplates.id, f.template)), target: (tx, f) => tx.select().from(ticketTemplates).where(eq(ticketTemplates.id, f.template)) },
    { table: 'ticket_templates', operation: 'delete', actor, expected: 'denied', what: 'deletes a template', run: (tx, f) => tx.delete(ticketTemplates).where(eq(ticketTemplates.id, f.template)), target: (tx, f) => tx.select().from(ticketTemplates).where(eq(ticketTemplates.id, f.template)) },
  ]),
  { table: 'ticket_templates', operation: 'select', actor: 'nobody', expected: 'denied', what: 'reads the templates', run: (tx) => tx.select().from(ticketTemplates) },
  { table: 'ticket_templates', operation: 'insert', actor: 'admin', expected: 'allowed', what: 'creates a template', run: (tx) => tx.insert(ticketTemplates).values({ name: 'Refund', defaultPriority: 'high' }) },
  { table: 'ticket_templates', operation: 'insert', actor: 'admin', expected: 'denied', what: 'creates a backdated template', run: (tx) => tx.insert(ticketTemplates).values({ name: 'Old', createdAt: epoch }) },
  { table: 'ticket_templates', operation: 'update', actor: 'admin', expected: 'allowed', what: 'renames a template', run: (tx, f) => tx.update(ticketTemplates).set({ name: 'Bug' }).where(eq(ticketTemplates.id, f.template)) },
  { table: 'ticket_templates', operation: 'update', actor: 'admin', expected: 'denied', what: "rewrites a template's id", run: (tx, f) => tx.update(ticketTemplates).set({ id: randomUUID() }).where(eq(ticketTemplates.id, f.template)), target: (tx, f) => tx.select().from(ticketTemplates).where(eq(ticketTemplates.id, f.template)) },
  { table: 'ticket_templates', operation: 'delete', actor: 'admin', expected: 'allowed', what: 'deletes a template', run: (tx, f) => tx.delete(ticketTemplates).where(eq(ticketTemplates.id, f.template)) },

  // ── idempotency_keys: each user's own ────────────────────────────────────────────────────
  ...(['customerA', 'customerB', 'agent', 'admin'] as const).flatMap((actor): MatrixCase[] => {
    const other = actor === 'customerA' ? 'customerB' : 'customerA';
    const keyOf = (who: Exclude<Actor, 'nobody'>) => (tx: Tx, f: RlsFixture) => tx.select().from(idempotencyKeys).where(and(eq(idempotencyKeys.userId, f.userId[who]), eq(idempotencyKeys.key, f.idempotencyKey)));
    return [
      { table: 'idempotency_keys', operation: 'select', actor, expected: 'allowed', what: 'reads their own key', run: keyOf(actor) },
      { table: 'idempotency_keys', operation: 'select', actor, expected: 'denied', what: "reads someone else's key", run: keyOf(other) },
      { table: 'idempotency_keys', operation: 'insert', actor, expected: 'allowed', what: 'claims a key', run: (tx, f) => tx.insert(idempotencyKeys).values({ userId: f.userId[actor], key: 'new-key', requestHash: 'h' }) },
      { table: 'idempotency_keys', operation: 'insert', actor, expected: 'denied', what: 'claims a key for someone else', run: (tx, f) => tx.insert(idempotencyKeys).values({ userId: f.userId[other], key: 'new-key', requestHash: 'h' }) },
      { table: 'idempotency_keys', operation: 'update', actor, expected: 'allowed', what: 'records the response to their own key', run: (tx, f) => tx.update(idempotencyKeys).set({ responseStatus: 200 }).where(and(eq(idempotencyKeys.userId, f.userId[actor]), eq(idempotencyKeys.key, f.idempotencyKey))) },
      { table: 'idempotency_keys', operation: 'update', actor, expected: 'denied', what: "rewrites someone else's stored response", run: (tx, f) => tx.update(idempotencyKeys).set({ responseStatus: 500 }).where(eq(idempotencyKeys.userId, f.userId[other])), target: keyOf(other) },
      { table: 'idempotency_keys', operation: 'update', actor, expected: 'denied', what: "changes their key's request fingerprint", run: (tx, f) => tx.update(idempotencyKeys).set({ requestHash: 'forged' }).where(eq(idempotencyKeys.userId, f.userId[actor])), target: keyOf(actor) },
      { table: 'idempotency_keys', operation: 'delete', actor, expected: 'denied', what: 'deletes their own key', run: (tx, f) => tx.delete(idempotencyKeys).where(eq(idempotencyKeys.userId, f.userId[actor])), target: keyOf(actor) },
    ];
  }),
  { table: 'idempotency_keys', operation: 'select', actor: 'nobody', expected: 'denied', what: 'reads any key', run: (tx) => tx.select().from(idempotencyKeys) },
  { table: 'idempotency_keys', operation: 'insert', actor: 'nobody', expected: 'denied', what: 'claims a key', run: (tx, f) => tx.insert(idempotencyKeys).values({ userId: f.userId.customerA, key: 'k', requestHash: 'h' }) },
  { table: 'idempotency_keys', operation: 'update', actor: 'nobody', expected: 'denied', what: 'rewrites a stored response', run: (tx) => tx.update(idempotencyKeys).set({ responseStatus: 500 }), target: (tx) => tx.select().from(idempotencyKeys) },
  { table: 'idempotency_keys', operation: 'delete', actor: 'nobody', expected: 'denied', what: 'deletes a key', run: (tx) => tx.delete(idempotencyKeys), target: (tx) => tx.select().from(idempotencyKeys) },

  // ── sla_targets: written only by the server from its configuration ───────────────────────
  ...(['customerA', 'customerB', 'agent', 'admin'] as const).map((actor): MatrixCase => (
    { table: 'sla_targets', operation: 'select', actor, expected: 'allowed', what: 'reads the SLA targets', run: (tx) => tx.select().from(slaTargets) }
  )),
  { table: 'sla_targets', operation: 'select', actor: 'nobody', expected: 'denied', what: 'reads the SLA targets', run: (tx) => tx.select().from(slaTargets) },
  ...actors.flatMap((actor): MatrixCase[] => [
    { table: 'sla_targets', operation: 'insert', actor, expected: 'denied', what: 'adds an SLA target', run: (tx) => tx.insert(slaTargets).values({ priority: 'high', resolutionHours: 1 }) },
    { table: 'sla_targets', operation: 'update', actor, expected: 'denied', what: 'stretches an SLA target', run: (tx) => tx.update(slaTargets).set({ resolutionHours: 9999 }), target: (tx) => tx.select().from(slaTargets) },
    { table: 'sla_targets', operation: 'delete', actor, expected: 'denied', what: 'removes an SLA target', run: (tx) => tx.delete(slaTargets), target: (tx) => tx.select().from(slaTargets) },
  ]),

  // ── ticket_events: the live log, written only by triggers ───────────────────────────────
  ...customers.flatMap(({ actor, own, others }): MatrixCase[] => [
    { table: 'ticket_events', operation: 'select', actor, expected: 'allowed', what: "reads their own ticket's events", run: (tx, f) => tx.select().from(ticketEvents).where(eq(ticketEvents.ticketId, own(f))) },
    { table: 'ticket_events', operation: 'select', actor, expected: 'denied', what: "reads another customer's events", run: (tx, f) => tx.select().from(ticketEvents).where(eq(ticketEvents.ticketId, others(f))) },
  ]),
  { table: 'ticket_events', operation: 'select', actor: 'customerA', expected: 'denied', what: 'reads the internal note event on their own ticket', run: (tx, f) => tx.select().from(ticketEvents).where(and(eq(ticketEvents.ticketId, f.ticketA), eq(ticketEvents.isInternal, true))) },
  ...team.map((actor): MatrixCase => ({ table: 'ticket_events', operation: 'select', actor, expected: 'allowed', what: 'reads internal note events', run: (tx, f) => tx.select().from(ticketEvents).where(and(eq(ticketEvents.ticketId, f.ticketA), eq(ticketEvents.isInternal, true))) })),
  { table: 'ticket_events', operation: 'select', actor: 'nobody', expected: 'denied', what: 'reads any event', run: (tx) => tx.select().from(ticketEvents) },
  ...actors.flatMap((actor): MatrixCase[] => [
    { table: 'ticket_events', operation: 'insert', actor, expected: 'denied', what: 'forges an event', run: (tx, f) => tx.insert(ticketEvents).values({ position: 1, ticketId: f.ticketA, customerId: f.userId.customerA, kind: 'message.created', payload: { message: 'forged' } }) },
    { table: 'ticket_events', operation: 'update', actor, expected: 'denied', what: 'rewrites an event', run: (tx) => tx.update(ticketEvents).set({ payload: { forged: true } }), target: (tx) => tx.select().from(ticketEvents) },
    { table: 'ticket_events', operation: 'delete', actor, expected: 'denied', what: 'deletes an event', run: (tx) => tx.delete(ticketEvents), target: (tx) => tx.select().from(ticketEvents) },
  ]),

  // ── ticket_search: each ticket's search document, written only by a trigger ──────────────
  ...customers.flatMap(({ actor, own, others }): MatrixCase[] => [
    { table: 'ticket_search', operation: 'select', actor, expected: 'allowed', what: "searches their own ticket's text", run: (tx, f) => tx.select().from(ticketSearch).where(eq(ticketSearch.ticketId, own(f))) },
    { table: 'ticket_search', operation: 'select', actor, expected: 'denied', what: "reads another customer's ticket text", run: (tx, f) => tx.select().from(ticketSearch).where(eq(ticketSearch.ticketId, others(f))) },
  ]),
  ...team.map((actor): MatrixCase => ({ table: 'ticket_search', operation: 'select', actor, expected: 'allowed', what: "searches any customer's ticket", run: (tx, f) => tx.select().from(ticketSearch).where(eq(ticketSearch.ticketId, f.ticketB)) })),
  { table: 'ticket_search', operation: 'select', actor: 'nobody', expected: 'denied', what: 'reads any ticket text', run: (tx) => tx.select().from(ticketSearch) },
  ...actors.flatMap((actor): MatrixCase[] => [
    { table: 'ticket_search', operation: 'insert', actor, expected: 'denied', what: 'plants search text for a ticket', run: (tx, f) => tx.insert(ticketSearch).values({ ticketId: f.ticketAEmpty, document: 'planted' }) },
    { table: 'ticket_search', operation: 'update', actor, expected: 'denied', what: "rewrites a ticket's search text", run: (tx) => tx.update(ticketSearch).set({ document: 'rewritten' }), target: (tx) => tx.select().from(ticketSearch) },
    { table: 'ticket_search', operation: 'delete', actor, expected: 'denied', what: 'hides a ticket from search', run: (tx) => tx.delete(ticketSearch), target: (tx) => tx.select().from(ticketSearch) },
  ]),

  // ── auth.users: the user directory ───────────────────────────────────────────────────────
  ...customers.flatMap(({ actor, other }): MatrixCase[] => [
    { table: 'auth.users', operation: 'select', actor, expected: 'allowed', what: 'reads their own profile', run: (tx, f) => tx.select().from(users).where(eq(users.id, f.userId[actor])) },
    { table: 'auth.users', operation: 'select', actor, expected: 'denied', what: "reads another customer's profile", run: (tx, f) => tx.select().from(users).where(eq(users.id, f.userId[other])) },
    { table: 'auth.users', operation: 'select', actor, expected: 'denied', what: "reads the team's user rows", run: (tx, f) => tx.select().from(users).where(eq(users.id, f.userId.agent)) },
  ]),
  ...team.flatMap((actor): MatrixCase[] => [
    { table: 'auth.users', operation: 'select', actor, expected: 'allowed', what: 'reads any customer', run: (tx, f) => tx.select().from(users).where(eq(users.id, f.userId.customerB)) },
  ]),
  { table: 'auth.users', operation: 'select', actor: 'nobody', expected: 'denied', what: 'reads the directory', run: (tx) => tx.select().from(users) },
  ...actors.flatMap((actor): MatrixCase[] => [
    { table: 'auth.users', operation: 'insert', actor, expected: 'denied', what: 'creates a user', run: (tx) => tx.insert(users).values({ email: 'new@x.test' }) },
    { table: 'auth.users', operation: 'update', actor, expected: 'denied', what: "changes a user's email", run: (tx, f) => tx.update(users).set({ email: 'evil@x.test' }).where(eq(users.id, f.userId.customerA)), target: (tx, f) => tx.select().from(users).where(eq(users.id, f.userId.customerA)) },
    { table: 'auth.users', operation: 'delete', actor, expected: 'denied', what: 'deletes a user', run: (tx, f) => tx.delete(users).where(eq(users.id, f.userId.customerB)), target: (tx, f) => tx.select().from(users).where(eq(users.id, f.userId.customerB)) },
  ]),
];

/** Cells where no actor of that kind may ever succeed, so there is no allowed case to write. */
const neverAllowed = new Set<string>([
  ...actors.flatMap((a) => ['insert', 'update', 'delete'].map((op) => `auth.users ${op} ${a}`)),
  ...actors.map((a) => `ticket_tag_relations update ${a}`),
  ...operations.flatMap((op) => tables.map((t) => `${t} ${op} nobody`)),
  ...(['customerA', 'customerB'] as const).flatMap((a) => [
    `tickets delete ${a}`, `ticket_messages update ${a}`, `ticket_messages delete ${a}`,
    `ticket_tags insert ${a}`, `ticket_tags update ${a}`, `ticket_tags delete ${a}`,
    `ticket_tag_relations insert ${a}`, `ticket_tag_relations delete ${a}`,
    `ticket_metadata update ${a}`, `ticket_metadata delete ${a}`,
    `team_members insert ${a}`, `team_members update ${a}`, `team_members delete ${a}`,
  ]),
  'team_members insert agent', 'team_members update agent', 'team_members delete agent',
  ...(['customerA', 'customerB', 'agent'] as const).flatMap((a) => ['insert', 'update', 'delete'].map((op) => `ticket_templates ${op} ${a}`)),
  ...actors.map((a) => `idempotency_keys delete ${a}`),
  ...actors.flatMap((a) => ['insert', 'update', 'delete'].map((op) => `sla_targets ${op} ${a}`)),
  ...actors.flatMap((a) => ['insert', 'update', 'delete'].map((op) => `ticket_events ${op} ${a}`)),
  ...actors.flatMap((a) => ['insert', 'update', 'delete'].map((op) => `ticket_search ${op} ${a}`)),
  // Attachment rows are immutable: removing a message removes its files' rows.
  ...actors.flatMap((a) => ['update', 'delete'].map((op) => `ticket_attachments ${op} ${a}`)),
]);
/** Cells where the actor may see or do everything, so there is nothing to deny. */
const neverDenied = new Set<string>([
  ...(['customerA', 'customerB', 'admin'] as const).map((a) => `ticket_tags select ${a}`),
  ...(['customerA', 'customerB', 'agent', 'admin'] as const).map((a) => `team_members select ${a}`),
  'ticket_tags select agent',
  ...team.flatMap((a) => [`tickets select ${a}`, `tickets delete ${a}`, `ticket_messages select ${a}`, `ticket_messages delete ${a}`, `ticket_tags delete ${a}`, `ticket_tag_relations select ${a}`, `ticket_tag_relations delete ${a}`, `ticket_metadata select ${a}`, `ticket_metadata delete ${a}`, `auth.users select ${a}`]),
  'team_members delete admin', 'team_members select admin',
  ...(['customerA', 'customerB', 'agent', 'admin'] as const).flatMap((a) => [`ticket_templates select ${a}`, `sla_targets select ${a}`]),
  'ticket_templates delete admin',
  ...team.map((a) => `ticket_events select ${a}`),
  ...team.map((a) => `ticket_search select ${a}`),
  ...team.map((a) => `ticket_attachments select ${a}`),
]);

describe('the access matrix is complete', () => {
  it.each(tables.flatMap((t) => operations.flatMap((op) => actors.map((a) => `${t} ${op} ${a}`))))('%s has its cases', (cell) => {
    const cases = matrix.filter((c) => `${c.table} ${c.operation} ${c.actor}` === cell);
    if (!neverAllowed.has(cell)) expect(cases.some((c) => c.expected === 'allowed'), `an allowed case for ${cell}`).toBe(true);
    if (!neverDenied.has(cell)) expect(cases.some((c) => c.expected === 'denied'), `a denied case for ${cell}`).toBe(true);
  });
});

describe.each(enginesUnderTest)('row-level security on %s', (engine) => {
  it('covers every table in public', async () => {
    const rows = await queryRows<{ name: string }>(testDb.handle.systemDb, sql`select tablename as name from pg_tables where schemaname = 'public' order by 1`);
    expect(rows.map((r) => r.name).sort()).toEqual(tables.filter((t) => t !== 'auth.users').sort());
  });

  let testDb: TestDatabase;
  let fixture: RlsFixture;
  beforeAll(async () => {
    testDb = await createTestDatabase(engine);
    fixture = await seedRlsFixture(testDb.handle.systemDb);
  });
  afterAll(() => testDb?.drop());

  for (const table of tables) {
    describe(table, () => {
      const cases = matrix.filter((c) => c.table === table);
      it.each(cases.map((c) => [`${c.operation}: ${c.actor} ${c.what} → ${c.expected}`, c] as const))('%s', async (_, c) => {
        const db = testDb.handle.systemDb;
        if (c.operation === 'select') {
          const rows = (await asActor(db, fixture, c.actor, (tx) => c.run(tx, fixture))) as unknown[];
          if (c.expected === 'allowed') expect(rows.length).toBeGreaterThan(0);
          else expect(rows).toEqual([]);
          return;
        }
        const result = await attemptWrite(db, fixture, c.actor, (tx) => c.run(tx, fixture), c.target && ((tx) => c.target!(tx, fixture)));
        if (c.expected === 'allowed') {
          expect(result).toMatchObject({ outcome: 'written' });
        } else if (result.outcome === 'refused') {
          // 42501: RLS, missing privilege or a guard trigger; 23514: a check constraint.
          expect(['42501', '23514']).toContain(result.sqlState);
        } else {
          expect(result).toEqual({ outcome: 'no rows changed', unchanged: true });
        }
      });
    });
  }

  it('leaves the fixture as it was: every case rolled back', async () => {
    const db = testDb.handle.systemDb;
    expect(await db.select().from(tickets)).toHaveLength(3);
    expect(await db.select().from(ticketMessages).where(and(eq(ticketMessages.ticketId, fixture.ticketA)))).toHaveLength(2);
  });
});
