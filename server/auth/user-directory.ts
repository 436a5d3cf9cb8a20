/**
 * Who a verified token belongs to: the user row is created on first sight (through the
 * server's own connection, the one place that writes auth.users) and the team role is read from
 * team_members, never from claims. Both are cached briefly per instance.
 */
import { eq, sql } from 'drizzle-orm';
import type { Database } from '../../db/client.ts';
import { teamMembers, users, type TeamRole } from '../../db/schema/index.ts';
import type { VerifiedIdentity } from './tokens.ts';

/** auth.users.external_id of guest users: whoever typed an email, unverified. */
export const guestExternalId = 'guest';

export interface AuthUser {
  id: string;
  email: string | null;
  name: string | null;
  /** `agent` or `admin` for team members, null for customers. */
  teamRole: TeamRole | null;
  /** A team member's display name (what customers see beside their replies). */
  displayName: string | null;
  /** When the token that authenticated this request expires (seconds since the epoch). */
  tokenExpiresAt: number;
}

export interface UserDirectory {
  resolve(identity: VerifiedIdentity): Promise<AuthUser>;
  /** Forget what is cached about a user (after their team role changed here). */
  forget(userId: string): void;
}

interface CachedUser {
  email: string | null;
  name: string | null;
  teamRole: TeamRole | null;
  displayName: string | null;
  fetchedAt: number;
}

export function createUserDirectory(systemDb: Database, options: { ttlMs?: number; maxEntries?: number } = {}): UserDirectory {
  const ttlMs = options.ttlMs ?? 10_000;
  const maxEntries = options.maxEntries ?? 50_000;
  const cache = new Map<string, CachedUser>();

  /** One read in the common case; a write only for a new user or a changed email or name. */
  async function load(identity: VerifiedIdentity): Promise<CachedUser> {
    const read = () =>
      systemDb
        .select({ email: users.email, name: users.name, role: teamMembers.role, displayName: teamMembers.displayName })
        .from(users)
        .leftJoin(teamMembers, eq(teamMembers.id, users.id))
        .where(eq(users.id, identity.userId));
    let [row] = await read();
    const changed = row && ((identity.email !== undefined && identity.email !== row.email) || (identity.name !== undefined && identity.name !== row.name));
    if (!row || changed) {
      await systemDb
        .insert(users)
        .values({ id: identity.userId, email: identity.email ?? null, name: identity.name ?? null, externalId: identity.externalId ?? null })
        .onConflictDoUpdate({
          target: users.id,
          set: { email: sql`coalesce(excluded.email, ${users.email})`, name: sql`coalesce(excluded.name, ${users.name})` },
        });
      [row] = await read();
    }
    return { email: row!.email, name: row!.name, teamRole: row!.role ?? null, displayName: row!.displayName ?? null, fetchedAt: Date.now() };
  }

  return {
    async resolve(identity) {
      let entry = cache.get(identity.userId);
      const stale = !entry || Date.now() - entry.fetchedAt > ttlMs || (identity.email !== undefined && identity.email !== entry.email) || (identity.name !== undefined && identity.name !== entry.name);
      if (stale) {
        entry = await load(identity);
        if (cache.size >= maxEntries) cache.delete(cache.keys().next().value!);
        cache.set(identity.userId, entry);
      }
      // A guest token never carries team rights, whatever became of its user row.
      const teamRole = identity.session === 'guest' ? null : entry!.teamRole;
      return { id: identity.userId, email: entry!.email, name: entry!.name, teamRole, displayName: teamRole ? entry!.displayName : null, tokenExpiresAt: identity.expiresAt };
    },
    forget(userId) {
      cache.delete(userId);
    },
  };
}
