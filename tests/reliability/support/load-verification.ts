/**
 * What a load run must have left behind, checked against the database itself: every accepted
 * message stored exactly once with the id its sender was given, each sender's messages in the
 * order they were sent, and the event log agreeing with the messages; then, per live socket,
 * exactly the events its user may see (customers: their own tickets, no internal notes; agents:
 * everything), each once, in order, none missing. Problems are collected, not thrown, so one run
 * reports all of them.
 */
import { asc, inArray } from 'drizzle-orm';
import type { Database } from '../../../db/client.ts';
import { ticketEvents, ticketMessages } from '../../../db/schema/index.ts';
import type { LiveRecorder } from './live-recorder.ts';
import type { LoadRun, SentMessage } from './load-workload.ts';

export interface LoadFigures {
  messagesExpected: number;
  messagesStored: number;
  internalNotes: number;
  eventsExpected: number;
  eventsDelivered: number;
  problems: string[];
}

interface Audience {
  recorder: LiveRecorder;
  /** A customer's id, or null for a team member. */
  customerId: string | null;
  ownTickets: ReadonlySet<string>;
}

const sample = (items: unknown[]) => JSON.stringify(items.slice(0, 3));

export async function checkStoredMessages(systemDb: Database, run: LoadRun, problems: string[]): Promise<{ expected: number; stored: number; internalNotes: number }> {
  const ticketIds = run.customers.flatMap((c) => c.ticketIds);
  const sent: SentMessage[] = [...run.customers.flatMap((c) => c.sent), ...run.agents.flatMap((a) => a.sent)];
  const stored = await systemDb
    .select({ id: ticketMessages.id, ticketId: ticketMessages.ticketId, senderId: ticketMessages.senderId, message: ticketMessages.message, isInternal: ticketMessages.isInternal })
    .from(ticketMessages)
    .where(inArray(ticketMessages.ticketId, ticketIds))
    .orderBy(asc(ticketMessages.createdAt), asc(ticketMessages.id));

  const storedByText = new Map<string, typeof stored>();
  for (const row of stored) storedByText.set(row.message, [...(storedByText.get(row.message) ?? []), row]);
  const sentTexts = new Set(sent.map((m) => m.text));
  for (const message of sent) {
    const rows = storedByText.get(message.text) ?? [];
    if (rows.length !== 1) problems.push(`"${message.text}" is stored ${rows.length} times (expected once)`);
    const [row] = rows;
    if (!row) continue;
    if (message.messageId && row.id !== message.messageId) problems.push(`"${message.text}" was answered as ${message.messageId} but stored as ${row.id}`);
    if (row.ticketId !== message.ticketId || row.senderId !== message.senderId || row.isInternal !== message.internal) problems.push(`"${message.text}" is stored on the wrong ticket, sender or visibility`);
  }
  const strays = stored.filter((row) => !sentTexts.has(row.message));
  if (strays.length) problems.push(`${strays.length} stored messages nobody sent: ${sample(strays)}`);

  // Each stream (a sender posting one message at a time) keeps its order on every ticket.
  const positionOf = new Map(stored.map((row, index) => [row.id, index]));
  const streams = new Map<string, SentMessage[]>();
  for (const message of sent) streams.set(`${message.stream} ${message.ticketId}`, [...(streams.get(`${message.stream} ${message.ticketId}`) ?? []), message]);
  for (const [stream, messages] of streams) {
    const order = messages.map((m) => positionOf.get(storedByText.get(m.text)?.[0]?.id ?? '') ?? -1);
    if (order.some((position, i) => i > 0 && position <= order[i - 1]!)) problems.push(`${stream}: stored out of the order sent: ${order.join(',')}`);
  }

  // The log has one message.created event per stored message, internal exactly when the note is.
  const events = await systemDb.select().from(ticketEvents).where(inArray(ticketEvents.ticketId, ticketIds));
  const messageEvents = events.filter((e) => e.kind === 'message.created');
  const storedById = new Map(stored.map((row) => [row.id, row]));
  const eventMessageIds = messageEvents.map((e) => (e.payload as { message: { id: string } }).message.id);
  if (new Set(eventMessageIds).size !== stored.length || eventMessageIds.length !== stored.length) problems.push(`${messageEvents.length} message.created events for ${stored.length} stored messages`);
  for (const event of messageEvents) {
    const row = storedById.get((event.payload as { message: { id: string } }).message.id);
    if (row && row.isInternal !== event.isInternal) problems.push(`event ${event.position} disagrees with its message on being internal`);
  }
  return { expected: sent.length, stored: stored.length, internalNotes: stored.filter((row) => row.isInternal).length };
}

/** Waits until every socket has what it should, then compares (ids, order, audience). */
export async function checkDeliveries(systemDb: Database, run: LoadRun, problems: string[], waitMs: number): Promise<{ expected: number; delivered: number }> {
  const audiences: Audience[] = [
    ...run.customers.map((c) => ({ recorder: c.recorder, customerId: c.id, ownTickets: new Set(c.ticketIds) })),
    ...run.agents.map((a) => ({ recorder: a.recorder, customerId: null, ownTickets: new Set<string>() })),
  ];
  const log = await systemDb.select({ position: ticketEvents.position, customerId: ticketEvents.customerId, isInternal: ticketEvents.isInternal }).from(ticketEvents).orderBy(asc(ticketEvents.position));
  const expectedFor = (audience: Audience) =>
    log.filter((e) => e.position > audience.recorder.startsAfter && (audience.customerId === null || (e.customerId === audience.customerId && !e.isInternal))).map((e) => e.position);

  let expectedTotal = 0;
  let deliveredTotal = 0;
  const expectations = audiences.map((audience) => ({ audience, expected: expectedFor(audience) }));
  await Promise.allSettled(expectations.map(({ audience, expected }) => audience.recorder.waitUntil(() => audience.recorder.events.length >= expected.length || audience.recorder.closedWith !== undefined, waitMs)));
  // A moment for anything extra (a duplicate, a stray) that would arrive right behind.
  await new Promise((resolve) => setTimeout(resolve, 300));

  for (const { audience, expected } of expectations) {
    const { recorder } = audience;
    const got = recorder.events.map((e) => e.id);
    expectedTotal += expected.length;
    deliveredTotal += got.length;
    const expectedSet = new Set(expected);
    const gotSet = new Set(got);
    const missing = expected.filter((id) => !gotSet.has(id));
    const extra = got.filter((id) => !expectedSet.has(id));
    if (missing.length) problems.push(`${recorder.label} missed ${missing.length} of ${expected.length} events: ${sample(missing)}`);
    if (extra.length) problems.push(`${recorder.label} got ${extra.length} events it should not have: ${sample(extra)}`);
    if (gotSet.size !== got.length) problems.push(`${recorder.label} got ${got.length - gotSet.size} events twice`);
    if (got.some((id, i) => i > 0 && id <= got[i - 1]!)) problems.push(`${recorder.label} got events out of order`);
    if (audience.customerId !== null) {
      const foreign = recorder.events.filter((e) => !audience.ownTickets.has(e.ticketId));
      const notes = recorder.events.filter((e) => e.internalNote);
      if (foreign.length) problems.push(`${recorder.label} got ${foreign.length} events of other customers' tickets`);
      if (notes.length) problems.push(`${recorder.label} got ${notes.length} internal notes`);
    }
    if (recorder.closedWith) problems.push(`${recorder.label}'s socket closed during the run: ${JSON.stringify(recorder.closedWith)}`);
    if (recorder.unexpectedFrames.length) problems.push(`${recorder.label} got frames outside the stream: ${sample(recorder.unexpectedFrames)}`);
  }
  return { expected: expectedTotal, delivered: deliveredTotal };
}

export async function verifyLoad(systemDb: Database, run: LoadRun, waitMs: number): Promise<LoadFigures> {
  const problems: string[] = [];
  const messages = await checkStoredMessages(systemDb, run, problems);
  const events = await checkDeliveries(systemDb, run, problems, waitMs);
  return {
    messagesExpected: messages.expected,
    messagesStored: messages.stored,
    internalNotes: messages.internalNotes,
    eventsExpected: events.expected,
    eventsDelivered: events.delivered,
    problems,
  };
}
