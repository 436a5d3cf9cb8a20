/**
 * /api/v1/sessions: tokens the server signs itself. Guests (when GUEST_MODE is on) give an
 * email and get a fresh identity of their own; agents sign in with email and password.
 */
import { randomUUID } from 'node:crypto';
import { createRoute, z } from '@hono/zod-openapi';
import { sql } from 'drizzle-orm';
import { queryRows } from '../../db/query-rows.ts';
import { users } from '../../db/schema/index.ts';
import type { AppDeps } from '../app-env.ts';
import { verifyPassword } from '../auth/passwords.ts';
import { guestExternalId } from '../auth/user-directory.ts';
import { ApiError } from '../errors.ts';
import { clientIp } from '../http/client-ip.ts';
import { uuidSchema } from '../schemas/common.ts';
import { createRouteApp, errorResponses } from './openapi-app.ts';

const sessionSchema = z
  .object({
    token: z.string(),
    expiresAt: z.number().int().openapi({ description: 'seconds since the epoch' }),
    user: z.object({ id: uuidSchema, email: z.string().nullable(), name: z.string().nullable(), teamRole: z.enum(['agent', 'admin']).nullable() }),
  })
  .openapi('Session');

const guestBody = z.strictObject({ email: z.email().max(320), name: z.string().trim().min(1).max(100).optional() }).openapi('GuestSessionRequest');
const agentBody = z.strictObject({ email: z.email().max(320), password: z.string().min(1).max(1024) }).openapi('AgentSessionRequest');

const guestRoute = createRoute({
  method: 'post',
  path: '/guest',
  summary: 'Start a guest session (GUEST_MODE must be on)',
  request: { body: { required: true, content: { 'application/json': { schema: guestBody } } } },
  responses: { 201: { description: 'A guest token', content: { 'application/json': { schema: sessionSchema } } }, ...errorResponses('validation_failed', 'forbidden', 'rate_limited') },
});

const agentRoute = createRoute({
  method: 'post',
  path: '/agent',
  summary: 'Sign in as a team member with email and password',
  request: { body: { required: true, content: { 'application/json': { schema: agentBody } } } },
  responses: { 201: { description: 'An agent token', content: { 'application/json': { schema: sessionSchema } } }, ...errorResponses('validation_failed', 'unauthorized', 'rate_limited') },
});

interface AgentRow extends Record<string, unknown> {
  id: string;
  email: string | null;
  name: string | null;
  display_name: string;
  role: 'agent' | 'admin';
  password_hash: string;
}

export function sessionRoutes(deps: AppDeps) {
  const { config, tokens, limits } = deps;
  const db = deps.database.systemDb;
  return createRouteApp()
    .openapi(guestRoute, async (c) => {
      if (!config.GUEST_MODE) throw new ApiError('forbidden', 'Guest sessions are off on this server (GUEST_MODE).');
      limits.guestSessions.take(clientIp(c, config.TRUST_PROXY));
      const { email, name } = c.req.valid('json');
      // A new identity per session: knowing someone's email must not open their tickets.
      const id = randomUUID();
      // Marked as a guest: an unverified email, never to be mistaken for a team member's.
      await db.insert(users).values({ id, email, name: name ?? null, externalId: guestExternalId });
      const session = await tokens.signSession({ userId: id, kind: 'guest', email, ...(name ? { name } : {}), ttlSeconds: config.GUEST_SESSION_HOURS * 3600 });
      return c.json({ ...session, user: { id, email, name: name ?? null, teamRole: null } }, 201);
    })
    .openapi(agentRoute, async (c) => {
      const { email, password } = c.req.valid('json');
      limits.agentSignIns.take(`${clientIp(c, config.TRUST_PROXY)}|${email.toLowerCase()}`);
      const [agent] = await queryRows<AgentRow>(
        db,
        sql`select u.id, u.email, u.name, m.display_name, m.role, k.password_hash
            from auth.users u
            join public.team_members m on m.id = u.id
            join private.agent_credentials k on k.user_id = u.id
            where lower(u.email) = lower(${email})
            order by u.created_at limit 1`,
      );
      if (!(await verifyPassword(password, agent?.password_hash)) || !agent) {
        throw new ApiError('unauthorized', 'That email and password do not match a team member.');
      }
      const session = await tokens.signSession({ userId: agent.id, kind: 'agent', ...(agent.email ? { email: agent.email } : {}), name: agent.display_name, ttlSeconds: config.AGENT_SESSION_HOURS * 3600 });
      return c.json({ ...session, user: { id: agent.id, email: agent.email, name: agent.display_name, teamRole: agent.role } }, 201);
    });
}
