/**
 * PostgreSQL connection strings as libpq reads them, for postgres.js, which reads only part of
 * them: a Unix-domain socket named in the string (`?host=/var/run/postgresql`, or the directory
 * percent-encoded as the host) and the `host`, `port` and `user` query parameters. postgres.js
 * would send those parameters to the server as settings (which it refuses) and never reach a
 * socket named that way.
 *
 * A socket matters when PostgreSQL runs on the same machine: `npm run bench:socket` measured
 * 1.26× the reads a second over it than over TCP to 127.0.0.1 (README, "Scale").
 *
 * @example connectPostgres('postgresql:///tickets?host=/var/run/postgresql&user=app', { max: 10 })
 */
import postgres from 'postgres';

/** What postgres.js needs: the URL it can read, and what it cannot read there as options. */
export interface PostgresTarget {
  /** The connection string without the parameters taken out below. */
  url: string;
  /** A host name, or a socket directory (an absolute path). */
  host?: string;
  port?: number;
  user?: string;
}

/** Thrown for a connection string this module refuses, with what is wrong with it. */
export class ConnectionStringError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ConnectionStringError';
  }
}

/** The parameters libpq reads from the query string that postgres.js does not. */
const movedParameters = ['host', 'port', 'user'] as const;

export function postgresTarget(connectionString: string): PostgresTarget {
  let url: URL;
  try {
    url = new URL(connectionString);
  } catch {
    throw new ConnectionStringError('not a URL (postgresql://user:password@host:port/database)');
  }
  if (url.protocol !== 'postgres:' && url.protocol !== 'postgresql:') throw new ConnectionStringError(`the scheme must be postgres: or postgresql:, not ${url.protocol}`);
  const target: Omit<PostgresTarget, 'url'> = {};

  // A socket directory in the host part: libpq's percent-encoded form (%2Fvar%2Frun%2Fpostgresql).
  let host: string;
  try {
    host = decodeURIComponent(url.hostname);
  } catch {
    throw new ConnectionStringError(`the host ${url.hostname} is not valid percent-encoding`);
  }
  if (host.startsWith('/')) {
    target.host = host;
    url.hostname = 'localhost';
  }

  const query = Object.fromEntries(movedParameters.map((name) => [name, url.searchParams.getAll(name)]));
  for (const name of movedParameters) {
    const values = query[name]!;
    if (values.length > 1) throw new ConnectionStringError(`the ${name} parameter is given ${values.length} times`);
    url.searchParams.delete(name);
  }
  const [hostParameter] = query.host!;
  if (hostParameter !== undefined) {
    if (!hostParameter) throw new ConnectionStringError('the host parameter is empty');
    if (hostParameter.includes(',')) throw new ConnectionStringError('the host parameter names several hosts; give one');
    target.host = hostParameter;
  }
  if (target.host?.startsWith('/') === false && target.host.includes('/')) throw new ConnectionStringError(`the host ${target.host} is neither a host name nor an absolute socket directory`);
  const [portParameter] = query.port!;
  if (portParameter !== undefined) {
    const port = Number(portParameter);
    if (!/^\d+$/.test(portParameter) || port < 1 || port > 65535) throw new ConnectionStringError(`the port parameter must be a port number (1-65535), not "${portParameter}"`);
    target.port = port;
  }
  const [userParameter] = query.user!;
  if (userParameter !== undefined) {
    if (!userParameter) throw new ConnectionStringError('the user parameter is empty');
    target.user = userParameter;
  }
  return { url: url.toString(), ...target };
}

/** postgres(connectionString, options), with the connection string read as libpq reads it. */
export function connectPostgres(connectionString: string, options: postgres.Options<Record<string, postgres.PostgresType>> = {}): postgres.Sql {
  const { url, ...target } = postgresTarget(connectionString);
  return postgres(url, { ...target, ...options });
}

/** Where a connection string points, for people: the password hidden. */
export function describeConnectionString(connectionString: string): string {
  try {
    const parsed = new URL(connectionString);
    if (parsed.password) parsed.password = '***';
    return parsed.toString();
  } catch {
    return 'postgres (unparseable URL)';
  }
}
