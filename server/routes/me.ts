/** /api/v1/me: who the token belongs to. */
import { createRoute, z } from '@hono/zod-openapi';
import type { AppDeps } from '../app-env.ts';
import { uuidSchema } from '../schemas/common.ts';
import { bearerSecurity, createRouteApp, errorResponses } from './openapi-app.ts';

export const meSchema = z
  .object({
    id: uuidSchema,
    email: z.string().nullable(),
    name: z.string().nullable(),
    teamRole: z.enum(['agent', 'admin']).nullable(),
    tokenExpiresAt: z.number().int().openapi({ description: 'seconds since the epoch' }),
  })
  .openapi('Me');

const route = createRoute({
  method: 'get',
  path: '/',
  summary: 'The signed-in user, and their team role if any',
  security: bearerSecurity,
  responses: { 200: { description: 'The user', content: { 'application/json': { schema: meSchema } } }, ...errorResponses('unauthorized') },
});

export function meRoutes(_deps: AppDeps) {
  return createRouteApp().openapi(route, (c) => {
    const { id, email, name, teamRole, tokenExpiresAt } = c.get('user');
    return c.json({ id, email, name, teamRole, tokenExpiresAt }, 200);
  });
}
