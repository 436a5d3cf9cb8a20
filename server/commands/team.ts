/**
 * `npm run team -- <command>`: manage who is on the team, through the server's own connection
 * (the one place that writes auth.users, team_members and agent credentials).
 *
 * @example npm run team -- add --email ada@example.com --name "Ada" --role admin
 */
import { randomBytes } from 'node:crypto';
import { parseArgs } from 'node:util';
import { sql } from 'drizzle-orm';
import { z } from 'zod';
import type { Database, DatabaseHandle } from '../../db/client.ts';
import { databaseOptionsFromEnv } from '../../db/options-from-env.ts';
import { guestExternalId } from '../auth/user-directory.ts';
import { queryRows } from '../../db/query-rows.ts';
import type { TeamRole } from '../../db/schema/index.ts';
// The database client, the schema and the password hasher are imported once the input is known
// to be good: a mistake is reported in a blink, not after loading an embedded PostgreSQL.

/** The roles of db/schema/team.ts, spelled out to keep the import light; the type below keeps them in step. */
const teamRoles = ['agent', 'admin'] as const;
type SameMembers<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false;
const rolesMatchSchema: SameMembers<(typeof teamRoles)[number], TeamRole> = true;
void rolesMatchSchema;

const usage = `Usage: npm run team -- <command> [options]

Commands:
  add           --email <email> [--name <display name>] [--role agent|admin] [--password <password>]
                [--new-user]
                Puts a user on the team (creating the user if no one has that email yet) and
                gives them a password for the console. Run again to change name or role.
                An existing user with that email is reused (so their site identity and their
                console identity are one); --new-user creates a fresh one instead, for when
                you cannot vouch for whoever first used that email (a guest, say).
  list          Lists the team.
  remove        --email <email>
                Takes a member off the team: their password stops working, their tickets are
                unassigned; their messages stay.
  set-password  --email <email> [--password <password>]

Passwords: --password, else the TEAM_PASSWORD environment variable, else a strong one is
generated and printed once. Prefer TEAM_PASSWORD: command lines end up in shell history.
When one email belongs to several users, pick one with --user-id <uuid>.

The database is DATABASE_URL, else the embedded one under DATA_DIR (default ./data); stop a
server that uses the embedded database before running this.`;

/** A mistake in how the command was called: exit code 2 and the usage. */
class UsageError extends Error {
  override name = 'UsageError';
}
/** The command was fine but cannot be done (no such member, say): exit code 1. */
class CommandError extends Error {
  override name = 'CommandError';
}

const minPasswordLength = 12;
const emailSchema = z.email('is not an email address').max(320);
const nameSchema = z.string().trim().min(1, 'must not be empty').max(100, 'must be at most 100 characters');
const passwordSchema = z
  .string()
  .min(minPasswordLength, `must be at least ${minPasswordLength} characters`)
  .max(1024, 'must be at most 1024 characters');
const userIdSchema = z.uuid('is not a UUID').transform((id) => id.toLowerCase());

function parseOption<T>(schema: z.ZodType<T>, value: unknown, option: string): T {
  const parsed = schema.safeParse(value);
  if (!parsed.success) throw new UsageError(`${option} ${parsed.error.issues[0]?.message ?? 'is not valid'}.`);
  return parsed.data;
}

function requiredOption(values: Record<string, unknown>, name: string): string {
  const value = values[name];
  if (typeof value !== 'string' || value.trim() === '') throw new UsageError(`--${name} is required.`);
  return value.trim();
}

interface PasswordChoice {
  password: string;
  generated: boolean;
}

function choosePassword(flag: string | undefined, env: NodeJS.ProcessEnv): PasswordChoice {
  if (flag !== undefined) return { password: parseOption(passwordSchema, flag, '--password'), generated: false };
  if (env.TEAM_PASSWORD) return { password: parseOption(passwordSchema, env.TEAM_PASSWORD, 'TEAM_PASSWORD'), generated: false };
  // 144 random bits, URL-safe so it survives copy and paste.
  return { password: randomBytes(18).toString('base64url'), generated: true };
}

interface UserRow extends Record<string, unknown> {
  id: string;
  email: string | null;
  name: string | null;
  created_at: string | Date;
  role: TeamRole | null;
  display_name: string | null;
}

/** The users with this email (any case), guests excepted, team members first, then oldest first. */
function usersByEmail(db: Database, email: string) {
  return queryRows<UserRow>(
    db,
    sql`select u.id, u.email, u.name, u.created_at, m.role, m.display_name
        from auth.users u left join public.team_members m on m.id = u.id
        where lower(u.email) = lower(${email})
          -- Guests typed an email nobody verified: never make one of them a team member.
          and u.external_id is distinct from ${guestExternalId}
        order by (m.id is null), u.created_at, u.id`,
  );
}

/** The one user an email means, or undefined when there is none; several need --user-id. */
async function pickUser(db: Database, email: string, userId: string | undefined): Promise<UserRow | undefined> {
  const candidates = await usersByEmail(db, email);
  if (userId) {
    const chosen = candidates.find((user) => user.id === userId);
    if (!chosen) throw new CommandError(`No user with the email ${email} has the id ${userId}.`);
    return chosen;
  }
  const members = candidates.filter((user) => user.role);
  if (members.length === 1) return members[0];
  if (candidates.length > 1) {
    const list = candidates.map((user) => `  ${user.id}  ${user.name ?? '(no name)'}${user.role ? `  ${user.role}` : ''}  since ${new Date(user.created_at).toISOString()}`);
    throw new CommandError(`${candidates.length} users have the email ${email}; choose one with --user-id:\n${list.join('\n')}`);
  }
  return candidates[0];
}

async function requireMember(db: Database, email: string, userId: string | undefined): Promise<UserRow & { role: TeamRole; display_name: string }> {
  const members = (await usersByEmail(db, email)).filter((user) => user.role && (!userId || user.id === userId));
  if (members.length > 1) {
    const list = members.map((user) => `  ${user.id}  ${user.display_name}  ${user.role}`);
    throw new CommandError(`${members.length} team members have the email ${email}; choose one with --user-id:\n${list.join('\n')}`);
  }
  const member = members[0];
  if (!member) {
    throw new CommandError(`No team member has the email ${email}${userId ? ` and the id ${userId}` : ''}. Add them with: npm run team -- add --email ${email} --name "..."`);
  }
  return member as UserRow & { role: TeamRole; display_name: string };
}

async function storePassword(db: Database, userId: string, password: string): Promise<void> {
  const { hashPassword } = await import('../auth/passwords.ts');
  const hash = await hashPassword(password);
  await db.execute(sql`insert into private.agent_credentials (user_id, password_hash) values (${userId}::uuid, ${hash})
    on conflict (user_id) do update set password_hash = excluded.password_hash, updated_at = now()`);
}

async function hasPassword(db: Database, userId: string): Promise<boolean> {
  const rows = await queryRows<{ found: number }>(db, sql`select 1 as found from private.agent_credentials where user_id = ${userId}::uuid`);
  return rows.length > 0;
}

function announcePassword(choice: PasswordChoice, email: string): void {
  if (choice.generated) console.log(`Password for ${email} (shown once, keep it somewhere safe): ${choice.password}`);
}

async function add(db: Database, values: Record<string, string | boolean | undefined>, env: NodeJS.ProcessEnv): Promise<void> {
  const email = parseOption(emailSchema, requiredOption(values, 'email'), '--email');
  const name = values.name === undefined ? undefined : parseOption(nameSchema, values.name, '--name');
  const role = values.role === undefined ? undefined : parseOption(z.enum(teamRoles, `must be ${teamRoles.join(' or ')}`), values.role, '--role');
  const userId = values['user-id'] === undefined ? undefined : parseOption(userIdSchema, values['user-id'], '--user-id');
  // Check the password before touching anything, so a bad one changes nothing.
  const flagPassword = typeof values.password === 'string' ? values.password : undefined;
  const given = flagPassword !== undefined || env.TEAM_PASSWORD ? choosePassword(flagPassword, env) : undefined;

  if (values['new-user'] && userId) throw new UsageError('Use --new-user or --user-id, not both.');
  // --new-user: a fresh identity, unless that email is already a team member (then update them).
  const existing = values['new-user'] ? (await usersByEmail(db, email)).find((user) => user.role) : await pickUser(db, email, userId);
  const displayName = name ?? existing?.display_name ?? existing?.name;
  if (!displayName) throw new UsageError('--name is required for someone who is not a user yet.');

  const { id, choice } = await db.transaction(async (tx) => {
    const txDb = tx as unknown as Database;
    let id = existing?.id;
    if (!id) {
      const [created] = await queryRows<{ id: string }>(txDb, sql`insert into auth.users (email, name) values (${email}, ${displayName}) returning id`);
      id = created!.id;
    }
    await tx.execute(sql`insert into public.team_members (id, display_name, role) values (${id}::uuid, ${displayName}, ${role ?? 'agent'})
      on conflict (id) do update set display_name = excluded.display_name, role = ${role ? sql`excluded.role` : sql`public.team_members.role`}`);
    // A member who already has a password keeps it unless a new one is given.
    const choice = given ?? (existing?.role && (await hasPassword(txDb, id)) ? undefined : choosePassword(undefined, {}));
    if (choice) await storePassword(txDb, id, choice.password);
    return { id, choice };
  });

  const finalRole = role ?? existing?.role ?? 'agent';
  if (existing?.role) console.log(`Updated team member ${email}: ${displayName}, ${finalRole}${choice ? ', new password' : ''}.`);
  else if (existing) {
    console.log(`Added ${email} to the team as ${finalRole} (${displayName}), using the existing user ${id} (first seen ${new Date(existing.created_at).toISOString()}).`);
    console.log('Whoever signed in as that user before is now on the team; if you cannot vouch for them, run remove, then add with --new-user.');
  } else console.log(`Added ${email} to the team as ${finalRole} (${displayName}).`);
  if (choice) announcePassword(choice, email);
}

async function list(db: Database): Promise<void> {
  const rows = await queryRows<{ id: string; email: string | null; display_name: string; role: TeamRole; has_password: boolean }>(
    db,
    sql`select m.id, u.email, m.display_name, m.role, (k.user_id is not null) as has_password
        from public.team_members m
        left join auth.users u on u.id = m.id
        left join private.agent_credentials k on k.user_id = m.id
        order by m.display_name, m.id`,
  );
  if (!rows.length) {
    console.log('No team members yet. Add one with: npm run team -- add --email you@example.com --name "You" --role admin');
    return;
  }
  const table = [['EMAIL', 'NAME', 'ROLE', 'PASSWORD', 'ID'], ...rows.map((row) => [row.email ?? '(none)', row.display_name, row.role, row.has_password ? 'yes' : 'no', row.id])];
  const widths = table[0]!.map((_, column) => Math.max(...table.map((line) => line[column]!.length)));
  for (const line of table) console.log(line.map((cell, column) => cell.padEnd(widths[column]!)).join('  ').trimEnd());
}

async function remove(db: Database, values: Record<string, string | boolean | undefined>): Promise<void> {
  const email = parseOption(emailSchema, requiredOption(values, 'email'), '--email');
  const userId = values['user-id'] === undefined ? undefined : parseOption(userIdSchema, values['user-id'], '--user-id');
  const member = await requireMember(db, email, userId);
  const unassigned = await db.transaction(async (tx) => {
    const txDb = tx as unknown as Database;
    // Assignees reference team_members; their open work goes back to the queue.
    const tickets = await queryRows<{ id: string }>(txDb, sql`update public.tickets set assigned_to = null where assigned_to = ${member.id}::uuid returning id`);
    await tx.execute(sql`delete from private.agent_credentials where user_id = ${member.id}::uuid`);
    await tx.execute(sql`delete from public.team_members where id = ${member.id}::uuid`);
    return tickets.length;
  });
  console.log(`Removed ${member.email ?? email} (${member.display_name}) from the team${unassigned ? `; ${unassigned} ticket(s) unassigned` : ''}.`);
}

async function setPassword(db: Database, values: Record<string, string | boolean | undefined>, env: NodeJS.ProcessEnv): Promise<void> {
  const email = parseOption(emailSchema, requiredOption(values, 'email'), '--email');
  const userId = values['user-id'] === undefined ? undefined : parseOption(userIdSchema, values['user-id'], '--user-id');
  const choice = choosePassword(typeof values.password === 'string' ? values.password : undefined, env);
  const member = await requireMember(db, email, userId);
  await storePassword(db, member.id, choice.password);
  console.log(`Password set for ${email}.`);
  announcePassword(choice, email);
}

const commandOptions = {
  add: ['email', 'name', 'role', 'password', 'user-id', 'new-user'],
  list: [],
  remove: ['email', 'user-id'],
  'set-password': ['email', 'password', 'user-id'],
} as const;
type Command = keyof typeof commandOptions;

/** Runs one command; returns the exit code. */
export async function runTeamCommand(argv: string[], env: NodeJS.ProcessEnv = process.env): Promise<number> {
  let command: Command;
  let values: Record<string, string | boolean | undefined>;
  try {
    const parsed = parseArgs({
      args: argv,
      allowPositionals: true,
      strict: true,
      options: {
        email: { type: 'string' },
        name: { type: 'string' },
        role: { type: 'string' },
        password: { type: 'string' },
        'user-id': { type: 'string' },
        'new-user': { type: 'boolean' },
        help: { type: 'boolean', short: 'h' },
      },
    });
    if (parsed.values.help || parsed.positionals[0] === 'help') {
      console.log(usage);
      return 0;
    }
    const [name, ...extra] = parsed.positionals;
    if (!name) throw new UsageError('Name a command: add, list, remove or set-password.');
    if (!Object.hasOwn(commandOptions, name)) throw new UsageError(`Unknown command "${name}"; use add, list, remove or set-password.`);
    if (extra.length) throw new UsageError(`Unexpected argument "${extra[0]}" (quote values that contain spaces).`);
    command = name as Command;
    values = parsed.values;
    const allowed: readonly string[] = commandOptions[command];
    const stray = Object.keys(values).find((option) => option !== 'help' && !allowed.includes(option));
    if (stray) throw new UsageError(`${command} takes no --${stray}.`);
  } catch (error) {
    const message = error instanceof UsageError ? error.message : error instanceof Error ? error.message : String(error);
    console.error(`${message}\n\n${usage}`);
    return 2;
  }

  let handle: DatabaseHandle | undefined;
  try {
    // Validate what needs no database before opening it, so bad input fails fast and changes nothing.
    if (command !== 'list') parseOption(emailSchema, requiredOption(values, 'email'), '--email');
    if (command === 'add' || command === 'set-password') {
      const flagPassword = typeof values.password === 'string' ? values.password : undefined;
      if (flagPassword !== undefined || env.TEAM_PASSWORD) choosePassword(flagPassword, env);
    }
    if (command === 'add' && values.role !== undefined) parseOption(z.enum(teamRoles, `must be ${teamRoles.join(' or ')}`), values.role, '--role');
    if (command === 'add' && values.name !== undefined) parseOption(nameSchema, values.name, '--name');
    if (values['user-id'] !== undefined) parseOption(userIdSchema, values['user-id'], '--user-id');
    if (values['new-user'] && values['user-id'] !== undefined) throw new UsageError('Use --new-user or --user-id, not both.');

    const [{ openDatabase }, { migrateDatabase }] = await Promise.all([import('../../db/client.ts'), import('../../db/migrate.ts')]);
    handle = await openDatabase(databaseOptionsFromEnv(env));
    await migrateDatabase(handle);
    const db = handle.systemDb;
    if (command === 'add') await add(db, values, env);
    else if (command === 'list') await list(db);
    else if (command === 'remove') await remove(db, values);
    else await setPassword(db, values, env);
    return 0;
  } catch (error) {
    if (error instanceof UsageError) {
      console.error(`${error.message}\n\nRun with --help for the usage.`);
      return 2;
    }
    if (error instanceof CommandError) {
      console.error(error.message);
      return 1;
    }
    console.error(`team ${command} failed: ${error instanceof Error ? error.message : String(error)}`);
    return 1;
  } finally {
    await handle?.close();
  }
}

if (import.meta.main) {
  process.exitCode = await runTeamCommand(process.argv.slice(2));
}
