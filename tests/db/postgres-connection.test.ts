/** Connection strings read as libpq reads them: Unix sockets, and host, port and user as parameters. */
import { randomUUID } from 'node:crypto';
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openDatabase, type DatabaseHandle } from '../../db/client.ts';
import { ConnectionStringError, describeConnectionString, postgresTarget } from '../../db/postgres-connection.ts';
import { withClaims } from '../../db/rls.ts';
import { localSocketOf, overSocket, type LocalSocket } from '../support/local-socket.ts';
import { createTestDatabase, type TestDatabase } from '../support/test-database.ts';

describe('postgresTarget', () => {
  it('leaves a plain URL to postgres.js as it is', () => {
    expect(postgresTarget('postgres://app:secret@db.internal:6432/tickets?sslmode=require')).toEqual({
      url: 'postgres://app:secret@db.internal:6432/tickets?sslmode=require',
    });
  });

  it('takes a socket directory from the host parameter, out of the URL postgres.js reads', () => {
    expect(postgresTarget('postgresql:///tickets?host=/var/run/postgresql&application_name=support')).toEqual({
      url: 'postgresql:///tickets?application_name=support',
      host: '/var/run/postgresql',
    });
  });

  it('takes a socket directory percent-encoded as the host, with the port that names its socket file', () => {
    expect(postgresTarget('postgresql://app@%2Fvar%2Frun%2Fpostgresql:5433/tickets')).toEqual({
      url: 'postgresql://app@localhost:5433/tickets',
      host: '/var/run/postgresql',
    });
  });

  it('takes host, port and user parameters, which win over the URL (as in libpq)', () => {
    expect(postgresTarget('postgresql://someone@localhost/tickets?host=/tmp&port=5434&user=app')).toEqual({
      url: 'postgresql://someone@localhost/tickets',
      host: '/tmp',
      port: 5434,
      user: 'app',
    });
    expect(postgresTarget('postgresql:///tickets?host=db.internal').host).toBe('db.internal');
  });

  it.each([
    ['not a url', 'not a URL'],
    ['mysql://root@localhost/tickets', 'scheme'],
    ['postgresql://app@%ZZ/tickets', 'percent-encoding'],
    ['postgresql:///tickets?host=relative/socket', 'absolute socket directory'],
    ['postgresql:///tickets?host=', 'host parameter is empty'],
    ['postgresql:///tickets?host=/a&host=/b', 'given 2 times'],
    ['postgresql:///tickets?host=a,b', 'several hosts'],
    ['postgresql:///tickets?port=0', 'port number'],
    ['postgresql:///tickets?port=54x', 'port number'],
    ['postgresql:///tickets?user=', 'user parameter is empty'],
  ])('refuses %s, saying what is wrong', (connectionString, says) => {
    expect(() => postgresTarget(connectionString)).toThrow(ConnectionStringError);
    expect(() => postgresTarget(connectionString)).toThrow(says);
  });

  it('describes a connection string without its password', () => {
    expect(describeConnectionString('postgres://app:secret@db.internal/tickets')).toBe('postgres://app:***@db.internal/tickets');
    expect(describeConnectionString('postgresql:///tickets?host=/var/run/postgresql')).toBe('postgresql:///tickets?host=/var/run/postgresql');
  });
});

describe.runIf(process.env.DATABASE_URL)('a database reached over its Unix socket (postgres)', () => {
  let testDb: TestDatabase;
  let socket: LocalSocket | undefined;
  let viaSocketHandle: DatabaseHandle | undefined;
  beforeAll(async () => {
    testDb = await createTestDatabase('postgres', { maxConnections: 1 });
    socket = await localSocketOf(testDb.databaseUrl!);
    if (socket) viaSocketHandle = await openDatabase({ databaseUrl: overSocket(testDb.databaseUrl!, socket), maxConnections: 2 });
  });
  afterAll(async () => {
    await viaSocketHandle?.close();
    await testDb?.drop();
  });

  const viaSocket = async (handle: DatabaseHandle) => {
    const [row] = (await handle.systemDb.execute<{ via_socket: boolean }>(sql`select inet_server_addr() is null as via_socket`)) as unknown as { via_socket: boolean }[];
    return row!.via_socket;
  };

  it('connects through the socket, reads under claims and hears the doorbell', async (context) => {
    if (!viaSocketHandle) context.skip('the server has no Unix socket on this machine (unix_socket_directories)');
    const handle = viaSocketHandle!;
    expect(await viaSocket(handle)).toBe(true);
    expect(await viaSocket(testDb.handle)).toBe(false);

    const user = randomUUID();
    const uid = await withClaims(handle.systemDb, { sub: user }, async (tx) => {
      const [row] = (await tx.execute<{ uid: string }>(sql`select auth.uid()::text as uid`)) as unknown as { uid: string }[];
      return row!.uid;
    });
    expect(uid).toBe(user);

    let heard: (payload: string) => void = () => {};
    const payload = new Promise<string>((resolve) => (heard = resolve));
    const stop = await handle.listen('socket_test', heard, () => void handle.notify('socket_test', 'rung'));
    expect(await payload).toBe('rung');
    await stop();
    expect(handle.location).toContain(`host=${encodeURIComponent(socket!.directory)}`);
  });
});
