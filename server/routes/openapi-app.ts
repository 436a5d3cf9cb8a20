/** The pieces every route module shares: the app class with the API's validation errors, and documented error responses. */
import { OpenAPIHono, z } from '@hono/zod-openapi';
import type { Context } from 'hono';
import type { AppDeps, AppEnv } from '../app-env.ts';
import { ApiError, errorSchema, errorStatus, issuesFromZod, respondWithError, type ErrorCode } from '../errors.ts';
import type { SQL } from 'drizzle-orm';
import { readWithClaims, withClaims, type Claims, type Tx } from '../../db/rls.ts';
import { writeWithClaims } from '../../db/write-with-claims.ts';

/** A route module's app: invalid params, query, headers or bodies answer `validation_failed` with issues. */
export function createRouteApp() {
  return new OpenAPIHono<AppEnv>({
    defaultHook: (result, c) => {
      if (!result.success) {
        return respondWithError(c, new ApiError('validation_failed', 'The request is not valid.', { issues: issuesFromZod(result.error as z.ZodError, result.target) }));
      }
      return undefined;
    },
  });
}

/** An OpenAPI response with a JSON body of `schema`. */
export const json = <T extends z.ZodType>(schema: T, description: string) => ({ description, content: { 'application/json': { schema } } });

/** OpenAPI error responses for the given codes, in the API's error shape. */
export function errorResponses(...codes: ErrorCode[]) {
  return Object.fromEntries(
    codes.map((code) => [errorStatus[code], { description: code.replace(/_/g, ' '), content: { 'application/json': { schema: errorSchema } } }]),
  ) as Record<number, { description: string; content: { 'application/json': { schema: typeof errorSchema } } }>;
}

function claimsOf(c: Context<AppEnv>): Claims {
  const user = c.get('user');
  return { sub: user.id, role: 'authenticated', ...(user.email ? { email: user.email } : {}) };
}

/** Runs database work as the request's user: row-level security decides what exists. */
export function asUser<T>(c: Context<AppEnv>, deps: Pick<AppDeps, 'database'>, work: (tx: Tx) => Promise<T>): Promise<T> {
  return withClaims(deps.database.systemDb, claimsOf(c), work);
}

/**
 * Reads as the request's user in one read-only transaction: one round trip on PostgreSQL
 * (db/rls.ts readWithClaims). For work that only reads; issue independent reads together, and
 * say how many (`statements`) when the work issues them all before awaiting any: COMMIT then
 * travels with them.
 */
export function readAsUser<T>(c: Context<AppEnv>, deps: Pick<AppDeps, 'database'>, work: (tx: Tx) => Promise<T>, options: { statements?: number } = {}): Promise<T> {
  return readWithClaims(deps.database.systemDb, claimsOf(c), work, options);
}

/**
 * One writing statement as the request's user, in a transaction of its own: one round trip on
 * PostgreSQL (db/write-with-claims.ts). Its rows once committed.
 */
export function writeAsUser<R extends Record<string, unknown>>(c: Context<AppEnv>, deps: Pick<AppDeps, 'database'>, statement: SQL): Promise<R[]> {
  return writeWithClaims<R>(deps.database.systemDb, claimsOf(c), statement);
}

export const bearerSecurity = [{ bearerAuth: [] }];
