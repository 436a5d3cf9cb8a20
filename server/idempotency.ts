/**
 * `Idempotency-Key` for creating tickets and messages. The key is claimed in the same
 * transaction as the work: a concurrent duplicate waits on the claim's primary key, then finds
 * it committed and replays the stored response; a retry after a failure finds no claim (it was
 * rolled back with the work) and does the work. Same key with another request: 409.
 */
import { createHash } from 'node:crypto';
import { and, eq, sql } from 'drizzle-orm';
import type { Tx } from '../db/rls.ts';
import { idempotencyKeys } from '../db/schema/index.ts';
import { ApiError } from './errors.ts';

const acceptableKey = /^[\x21-\x7e]{1,255}$/;

export interface StoredResponse<T> {
  status: 200 | 201;
  body: T;
  replayed: boolean;
}

/** Reads and checks the header: absent is fine, malformed is a validation error. */
export function idempotencyKeyFrom(header: string | undefined): string | undefined {
  if (header === undefined) return undefined;
  if (!acceptableKey.test(header)) {
    throw new ApiError('validation_failed', 'Idempotency-Key must be 1 to 255 visible ASCII characters.', { issues: [{ path: 'Idempotency-Key', message: 'invalid key' }] });
  }
  return header;
}

export function requestFingerprint(method: string, path: string, body: unknown): string {
  return createHash('sha256').update(`${method} ${path}\n`).update(stableJson(body)).digest('base64url');
}

function stableJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(stableJson).join(',')}]`;
  if (value && typeof value === 'object') {
    return `{${Object.keys(value).sort().map((k) => `${JSON.stringify(k)}:${stableJson((value as Record<string, unknown>)[k])}`).join(',')}}`;
  }
  return JSON.stringify(value) ?? 'null';
}

export async function once<T>(
  tx: Tx,
  userId: string,
  key: string | undefined,
  fingerprint: string,
  work: () => Promise<{ status: 200 | 201; body: T }>,
): Promise<StoredResponse<T>> {
  if (!key) return { ...(await work()), replayed: false };
  const claimed = await tx
    .insert(idempotencyKeys)
    .values({ userId, key, requestHash: fingerprint })
    .onConflictDoNothing()
    .returning({ key: idempotencyKeys.key });
  if (claimed.length === 0) {
    const [existing] = await tx.select().from(idempotencyKeys).where(and(eq(idempotencyKeys.userId, userId), eq(idempotencyKeys.key, key)));
    if (!existing || existing.requestHash !== fingerprint) {
      throw new ApiError('conflict', 'This Idempotency-Key was already used for a different request.');
    }
    if (existing.responseStatus === null) throw new ApiError('conflict', 'A request with this Idempotency-Key is still being processed.');
    return { status: existing.responseStatus as 200 | 201, body: existing.responseBody as T, replayed: true };
  }
  const response = await work();
  await tx
    .update(idempotencyKeys)
    .set({ responseStatus: response.status, responseBody: sql`${JSON.stringify(response.body)}::jsonb` })
    .where(and(eq(idempotencyKeys.userId, userId), eq(idempotencyKeys.key, key)));
  return { ...response, replayed: false };
}
