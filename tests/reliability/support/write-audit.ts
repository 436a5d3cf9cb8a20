/**
 * A witness for "no statement of an aborted request runs outside its transaction or without its
 * claims": a trigger on the throwaway database (never on the project's migrations) that records,
 * in the same transaction as each new message, the role and the claims it was written under and
 * the backend that wrote it. A message written as the server's own role, or with no claims, or
 * with someone else's, shows here; a rolled-back write leaves no witness, like it leaves no row.
 */
import type postgres from 'postgres';

export interface WitnessedWrite {
  messageId: string;
  senderId: string;
  actingRole: string;
  claimsSub: string | null;
  backendPid: number;
}

export async function installWriteAudit(admin: postgres.Sql): Promise<void> {
  await admin.unsafe(`
    create schema faults;
    create table faults.message_writes (
      message_id uuid not null,
      sender_id uuid not null,
      acting_role text not null,
      claims text,
      backend_pid int not null
    );
    grant usage on schema faults to authenticated;
    grant insert on faults.message_writes to authenticated;
    create function faults.witness_message() returns trigger language plpgsql as $$
    begin
      insert into faults.message_writes (message_id, sender_id, acting_role, claims, backend_pid)
      values (new.id, new.sender_id, current_user, nullif(current_setting('request.jwt.claims', true), ''), pg_backend_pid());
      return new;
    end $$;
    create trigger witness_message after insert on public.ticket_messages for each row execute function faults.witness_message();
  `);
}

export async function witnessedWrites(admin: postgres.Sql): Promise<WitnessedWrite[]> {
  const rows = await admin<{ message_id: string; sender_id: string; acting_role: string; claims: string | null; backend_pid: number }[]>`
    select message_id, sender_id, acting_role, claims, backend_pid from faults.message_writes`;
  return rows.map((row) => ({
    messageId: row.message_id,
    senderId: row.sender_id,
    actingRole: row.acting_role,
    claimsSub: row.claims ? ((JSON.parse(row.claims) as { sub?: string }).sub ?? null) : null,
    backendPid: row.backend_pid,
  }));
}

/** Writes that were not made as the `authenticated` role under the claims of the message's own sender. */
export function writesOutsideTheirClaims(writes: WitnessedWrite[], exempt: (write: WitnessedWrite) => boolean = () => false): WitnessedWrite[] {
  return writes.filter((write) => !exempt(write) && (write.actingRole !== 'authenticated' || write.claimsSub !== write.senderId));
}

/** The server's connections (application_name ticket-widget) still inside a transaction with nothing running. */
export async function idleInTransaction(admin: postgres.Sql): Promise<number> {
  const [row] = await admin<{ n: string }[]>`
    select count(*) as n from pg_stat_activity where application_name = 'ticket-widget' and state like 'idle in transaction%'`;
  return Number(row!.n);
}
