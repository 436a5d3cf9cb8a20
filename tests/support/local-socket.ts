/**
 * The Unix socket of a PostgreSQL server that runs on this machine, found by asking the server
 * (unix_socket_directories, port) and looking for the socket file here. Undefined when the
 * server has none this machine can reach (another host, a container, sockets turned off).
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { connectPostgres } from '../../db/postgres-connection.ts';

export interface LocalSocket {
  directory: string;
  port: string;
}

export async function localSocketOf(databaseUrl: string): Promise<LocalSocket | undefined> {
  const client = connectPostgres(databaseUrl, { max: 1, onnotice: () => {} });
  try {
    const [row] = await client<{ directories: string; port: string }[]>`select current_setting('unix_socket_directories') as directories, current_setting('port') as port`;
    const directory = row!.directories
      .split(',')
      .map((entry) => entry.trim())
      .find((entry) => entry.startsWith('/') && existsSync(join(entry, `.s.PGSQL.${row!.port}`)));
    return directory ? { directory, port: row!.port } : undefined;
  } finally {
    await client.end({ timeout: 5 });
  }
}

/** The same connection string, through the socket instead. */
export function overSocket(databaseUrl: string, socket: LocalSocket): string {
  const url = new URL(databaseUrl);
  url.searchParams.set('host', socket.directory);
  url.searchParams.set('port', socket.port);
  return url.toString();
}
