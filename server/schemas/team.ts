import { z } from '@hono/zod-openapi';
import { teamRoles } from '../../db/schema/index.ts';
import { uuidSchema } from './common.ts';

export const teamMemberSchema = z
  .object({
    id: uuidSchema,
    displayName: z.string(),
    role: z.enum(teamRoles),
    email: z.string().nullable(),
  })
  .openapi('TeamMember');

export const teamListSchema = z.object({ items: z.array(teamMemberSchema) }).openapi('TeamList');
