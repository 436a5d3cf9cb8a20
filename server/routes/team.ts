/** /api/v1/team: who is on the team, for assignee pickers and the console (team only). */
import { createRoute } from '@hono/zod-openapi';
import { asc, eq } from 'drizzle-orm';
import { teamMembers, users } from '../../db/schema/index.ts';
import type { AppDeps } from '../app-env.ts';
import { requireTeam } from '../auth/require-user.ts';
import { teamListSchema } from '../schemas/team.ts';
import { bearerSecurity, createRouteApp, errorResponses, json, readAsUser } from './openapi-app.ts';


const listRoute = createRoute({
  method: 'get',
  path: '/',
  summary: 'The team members, by display name (team)',
  security: bearerSecurity,
  middleware: [requireTeam()] as const,
  responses: { 200: json(teamListSchema, 'The team'), ...errorResponses('unauthorized', 'forbidden') },
});

export function teamRoutes(deps: AppDeps) {
  return createRouteApp().openapi(listRoute, async (c) => {
    // Emails come through "Team members can view all users" on auth.users, not past RLS.
    const items = await readAsUser(c, deps, (tx) =>
      tx
        .select({ id: teamMembers.id, displayName: teamMembers.displayName, role: teamMembers.role, email: users.email })
        .from(teamMembers)
        .leftJoin(users, eq(users.id, teamMembers.id))
        .orderBy(asc(teamMembers.displayName), asc(teamMembers.id)),
    );
    c.header('Cache-Control', 'private, no-cache');
    return c.json({ items }, 200);
  });
}
