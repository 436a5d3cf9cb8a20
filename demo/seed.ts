/**
 * The demo seed: on the first start in demo mode, into an empty database, the team (with the
 * demo password), tags, templates and tickets of demo/seed-data.ts. Everything a user could do
 * goes through the real API as that user — tickets, the screenshot upload (real storage driver,
 * real attachment records), tags, assignments, replies, internal notes, status changes — so the
 * status rules, event log and row-level security shape the data as they would in use. Only what
 * no API does is written directly: team accounts, and moving the timestamps into the past.
 *
 * Idempotent: a marker row claims the seed, so a restart (or a second instance) never seeds
 * twice; a database that already has tickets or a team is never seeded at all.
 */
import { sql } from 'drizzle-orm';
import type { Database } from '../db/client.ts';
import { queryRows } from '../db/query-rows.ts';
import type { AppDeps } from '../server/app-env.ts';
import { createApp } from '../server/app.ts';
import { hashPassword } from '../server/auth/passwords.ts';
import { createRateLimiter } from '../server/http/rate-limit.ts';
import { demoCustomers, demoPassword, demoTeam, demoTeamMember, demoTeamMemberId, type DemoIdentityKey } from './identities.ts';
import { mintDemoToken } from './demo-tokens.ts';
import { seedTags, seedTemplates, seedTickets, type SeedTicket } from './seed-data.ts';
import { chartScreenshotPng } from './seed-image.ts';

const markerName = 'demo_seeded_at';

export type SeedOutcome = 'seeded' | 'kept' | 'not-empty';

class SeedError extends Error {
  override name = 'SeedError';
}

/** Seeds the demo data if this database has never been seeded and holds nothing yet. */
export async function seedDemoIfEmpty(deps: AppDeps): Promise<SeedOutcome> {
  const db = deps.database.systemDb;
  const [state] = await queryRows<{ seeded: boolean; tickets: boolean; team: boolean }>(
    db,
    sql`select exists (select 1 from private.server_secrets where name = ${markerName}) as seeded,
               exists (select 1 from public.tickets) as tickets,
               exists (select 1 from public.team_members) as team`,
  );
  if (state!.seeded) return 'kept';
  if (state!.tickets || state!.team) return 'not-empty';
  const claimed = await queryRows<{ name: string }>(
    db,
    sql`insert into private.server_secrets (name, value) values (${markerName}, ${new Date().toISOString()}) on conflict (name) do nothing returning name`,
  );
  if (!claimed.length) return 'kept'; // another instance got there first
  await seedDemo(deps);
  return 'seeded';
}

/** A token per demo identity, signed the way the demo token endpoint signs them. */
async function tokensFor(deps: AppDeps): Promise<Record<DemoIdentityKey, string>> {
  const secret = deps.config.AUTH_JWT_SECRET;
  if (!secret) throw new SeedError('The demo seed needs AUTH_JWT_SECRET (demo mode makes one unless AUTH_JWKS_URL is set).');
  const entries = await Promise.all(
    [...demoCustomers, ...demoTeam].map(async (identity) => {
      const { token } = await mintDemoToken(identity, { secret, issuer: deps.config.AUTH_JWT_ISSUER, audience: deps.config.AUTH_JWT_AUDIENCE });
      return [identity.key, token] as const;
    }),
  );
  return Object.fromEntries(entries) as Record<DemoIdentityKey, string>;
}

async function createTeam(db: Database): Promise<void> {
  const passwordHash = await hashPassword(demoPassword);
  for (const member of demoTeam) {
    const id = demoTeamMemberId(member);
    await db.execute(sql`insert into auth.users (id, email, name) values (${id}::uuid, ${member.email}, ${member.name}) on conflict (id) do nothing`);
    await db.execute(sql`insert into public.team_members (id, display_name, role) values (${id}::uuid, ${member.name}, ${member.role}) on conflict (id) do nothing`);
    await db.execute(sql`insert into private.agent_credentials (user_id, password_hash) values (${id}::uuid, ${passwordHash}) on conflict (user_id) do nothing`);
  }
}

/** Calls the API as one of the demo people; resolves to the parsed JSON answer. */
type ApiCaller = (method: string, path: string, as: DemoIdentityKey, body?: unknown) => Promise<any>;

interface RequestableApp {
  request(path: string, init: RequestInit): Response | Promise<Response>;
}

/** Calls the API as a demo identity; anything but success stops the seed with the API's own words. */
function requester(app: RequestableApp, tokens: Record<DemoIdentityKey, string>): ApiCaller {
  return async (method, path, as, body) => {
    const headers: Record<string, string> = { authorization: `Bearer ${tokens[as]}` };
    let payload: BodyInit | undefined;
    if (body instanceof FormData) payload = body;
    else if (body !== undefined) {
      headers['content-type'] = 'application/json';
      payload = JSON.stringify(body);
    }
    const response = await app.request(`/api/v1${path}`, { method, headers, ...(payload !== undefined ? { body: payload } : {}) });
    const text = await response.text();
    if (!response.ok) throw new SeedError(`demo seed: ${method} ${path} as ${as} answered ${response.status}: ${text}`);
    return text ? JSON.parse(text) : undefined;
  };
}

interface Timeline {
  ticketId: string;
  createdHoursAgo: number;
  openingMessageId: string;
  messages: { id: string; hoursAgo: number }[];
  statusHoursAgo: number;
}

async function seedTicket(request: ApiCaller, ticket: SeedTicket, ids: { tags: Map<string, string>; templates: Map<string, string> }): Promise<Timeline> {
  const fields = {
    title: ticket.title,
    description: ticket.description,
    ...(ticket.priority ? { priority: ticket.priority } : {}),
    ...(ticket.template ? { templateId: ids.templates.get(ticket.template)!, fields: ticket.fields ?? {} } : {}),
  };
  let body: unknown = fields;
  if (ticket.screenshot) {
    const form = new FormData();
    for (const [name, value] of Object.entries(fields)) form.append(name, typeof value === 'string' ? value : JSON.stringify(value));
    form.append('files', new File([new Uint8Array(chartScreenshotPng())], 'revenue-chart.png', { type: 'image/png' }));
    body = form;
  }
  const created = await request('POST', '/tickets', ticket.customer, body);
  const ticketId: string = created.id;
  const [opening] = (await request('GET', `/tickets/${ticketId}/messages`, ticket.customer)).items as { id: string }[];

  for (const tag of ticket.tags ?? []) await request('PUT', `/tickets/${ticketId}/tags/${ids.tags.get(tag)!}`, 'agent-1');
  if (ticket.assignee) await request('PATCH', `/tickets/${ticketId}`, ticket.assignee, { assigneeId: demoTeamMemberId(demoTeamMember(ticket.assignee)) });

  const messages: Timeline['messages'] = [];
  for (const message of ticket.thread) {
    const posted = await request('POST', `/tickets/${ticketId}/messages`, message.from, { message: message.text, ...(message.internal ? { isInternal: true } : {}) });
    messages.push({ id: posted.id, hoursAgo: message.hoursAgo });
  }
  const current = await request('GET', `/tickets/${ticketId}`, 'agent-1');
  if (current.status !== ticket.status) await request('PATCH', `/tickets/${ticketId}`, ticket.assignee ?? 'agent-1', { status: ticket.status });
  const lastActivity = ticket.thread.at(-1)?.hoursAgo ?? ticket.hoursAgo;
  return { ticketId, createdHoursAgo: ticket.hoursAgo, openingMessageId: opening!.id, messages, statusHoursAgo: ticket.statusHoursAgo ?? lastActivity };
}

/**
 * Moves each ticket's story into the past (created, replied, resolved hours ago). Triggers are
 * off for this one transaction (session_replication_role = replica), so the moves are neither
 * re-stamped nor recorded as new events; that takes a superuser (PGlite's user is one). Without
 * one the data stays as seeded, every time "just now".
 */
async function backdate(db: Database, timelines: Timeline[], logger: AppDeps['logger']): Promise<void> {
  const ago = (hours: number) => sql`now() - make_interval(secs => ${Math.round(hours * 3600)})`;
  try {
    await db.transaction(async (tx) => {
      await tx.execute(sql`set local session_replication_role = replica`);
      for (const timeline of timelines) {
        const { ticketId } = timeline;
        await tx.execute(sql`update public.ticket_messages set created_at = ${ago(timeline.createdHoursAgo)} where id = ${timeline.openingMessageId}::uuid`);
        for (const message of timeline.messages) await tx.execute(sql`update public.ticket_messages set created_at = ${ago(message.hoursAgo)} where id = ${message.id}::uuid`);
        await tx.execute(sql`update public.ticket_attachments a set created_at = m.created_at from public.ticket_messages m where m.id = a.message_id and a.ticket_id = ${ticketId}::uuid`);
        await tx.execute(sql`update public.ticket_tag_relations set created_at = ${ago(timeline.createdHoursAgo)} where ticket_id = ${ticketId}::uuid`);
        await tx.execute(sql`update public.ticket_metadata set created_at = ${ago(timeline.createdHoursAgo)}, updated_at = ${ago(timeline.createdHoursAgo)} where ticket_id = ${ticketId}::uuid`);
        await tx.execute(sql`
          update public.tickets t set
            due_date = t.due_date - (t.created_at - ${ago(timeline.createdHoursAgo)}),
            created_at = ${ago(timeline.createdHoursAgo)},
            updated_at = greatest(${ago(timeline.statusHoursAgo)}, (select max(m.created_at) from public.ticket_messages m where m.ticket_id = t.id)),
            first_response_at = case when t.first_response_at is null then null else (
              select min(m.created_at) from public.ticket_messages m join public.team_members tm on tm.id = m.sender_id
              where m.ticket_id = t.id and not m.is_internal) end,
            resolved_at = case when t.resolved_at is null then null else ${ago(timeline.statusHoursAgo)} end
          where t.id = ${ticketId}::uuid`);
      }
      // Summaries the database keeps of each thread (its newest message, with its time) are
      // recounted by triggers, which are off here: recount them once the times have moved.
      const [summaries] = await queryRows<{ present: boolean }>(tx as unknown as Database, sql`select to_regprocedure('private.refresh_ticket_summary(uuid)') is not null as present`);
      if (summaries!.present) {
        for (const { ticketId } of timelines) await tx.execute(sql`select private.refresh_ticket_summary(${ticketId}::uuid)`);
      }
    });
  } catch (error) {
    logger.info('demo seed: timestamps left as seeded (moving them into the past needs a superuser)', { error: String(error) });
  }
}

async function seedDemo(deps: AppDeps): Promise<void> {
  const started = performance.now();
  const db = deps.database.systemDb;
  await createTeam(db);
  // Its own app with limits out of the way: the seed is not a customer in a hurry.
  const unlimited = () => createRateLimiter({ limit: Number.MAX_SAFE_INTEGER, windowMs: 60_000, what: 'seed requests' });
  const app = createApp({ ...deps, limits: { guestSessions: unlimited(), agentSignIns: unlimited(), ticketCreation: unlimited(), messages: unlimited() } });
  const request = requester(app, await tokensFor(deps));

  const tags = new Map<string, string>();
  for (const tag of seedTags) tags.set(tag.name, (await request('POST', '/tags', 'admin', tag)).id);
  const templates = new Map<string, string>();
  for (const template of seedTemplates) {
    const { defaultTags, ...rest } = template;
    templates.set(template.name, (await request('POST', '/templates', 'admin', { ...rest, defaultTagIds: defaultTags.map((name) => tags.get(name)!) })).id);
  }
  // Customers are created on first sight from their tokens, as on a real site.
  for (const customer of demoCustomers) await request('GET', '/me', customer.key);

  const timelines: Timeline[] = [];
  for (const ticket of seedTickets) timelines.push(await seedTicket(request, ticket, { tags, templates }));
  await backdate(db, timelines, deps.logger);
  deps.logger.info('demo seed: done', { tickets: timelines.length, ms: Math.round(performance.now() - started) });
}
