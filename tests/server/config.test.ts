/**
 * server/config.ts: the environment parsed once at start; every wrong value stops start-up
 * with a ConfigError that names the variable. No database needed.
 */
import { spawn } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../../server/config.ts';

const secret = 'a-secret-that-is-long-enough-for-hs256-0123456789';

/** loadConfig(env) must throw a ConfigError whose message names `variable`. */
function expectConfigError(env: Record<string, string>, variable: string): ConfigError {
  let caught: unknown;
  try {
    loadConfig(env);
  } catch (error) {
    caught = error;
  }
  expect(caught, `${JSON.stringify(env)} should be refused`).toBeInstanceOf(ConfigError);
  const error = caught as ConfigError;
  expect(error.name).toBe('ConfigError');
  expect(error.message).toContain(variable);
  return error;
}

describe('loadConfig', () => {
  it('has defaults for everything', () => {
    const config = loadConfig({});
    expect(config).toMatchObject({
      PORT: 8787,
      HOST: '127.0.0.1',
      DATA_DIR: './data',
      DATABASE_POOL_SIZE: 10,
      ALLOWED_ORIGINS: [],
      GUEST_MODE: false,
      AGENT_SESSION_HOURS: 12,
      GUEST_SESSION_HOURS: 720,
      RATE_LIMIT_GUEST_SESSIONS_PER_HOUR: 20,
      RATE_LIMIT_TICKETS_PER_HOUR: 30,
      RATE_LIMIT_MESSAGES_PER_MINUTE: 30,
      MAX_JSON_BODY_BYTES: 1024 * 1024,
      TRUST_PROXY: false,
      LOG_LEVEL: 'info',
      AUTH_TOKEN_CACHE_SIZE: 10_000,
      // Demo mode follows the database: on for embedded PGlite, off with DATABASE_URL.
      demoMode: true,
      publicUrl: 'http://localhost:8787',
      slaHours: { low: 120, medium: 48, high: 24, urgent: 4 },
    });
    for (const unset of ['DATABASE_URL', 'AUTH_JWT_SECRET', 'AUTH_JWKS_URL', 'AUTH_JWT_ISSUER', 'AUTH_JWT_AUDIENCE', 'PUBLIC_URL'] as const) expect(config[unset], unset).toBeUndefined();
    expect(loadConfig({ DATABASE_URL: 'postgres://u:p@db.internal:5432/tickets' }).demoMode).toBe(false);
    // libpq's Unix-socket forms (db/postgres-connection.ts).
    expect(loadConfig({ DATABASE_URL: 'postgresql:///tickets?host=/var/run/postgresql&user=app' }).DATABASE_URL).toBe('postgresql:///tickets?host=/var/run/postgresql&user=app');
    expect(loadConfig({ DATABASE_URL: 'postgresql://app@%2Fvar%2Frun%2Fpostgresql/tickets' }).DATABASE_URL).toBeDefined();
  });

  it('reads good values', () => {
    const config = loadConfig({
      PORT: '9000',
      PUBLIC_URL: 'https://support.example.com/',
      DATABASE_URL: 'postgresql://u@localhost/x',
      AUTH_JWT_SECRET: secret,
      AUTH_JWT_ISSUER: 'https://shop.example',
      AUTH_JWT_AUDIENCE: 'ticket-widget',
      ALLOWED_ORIGINS: 'https://shop.example, http://localhost:5173',
      GUEST_MODE: 'yes',
      SLA_HOURS_URGENT: '2',
      MAX_JSON_BODY_BYTES: '4096',
      AUTH_TOKEN_CACHE_SIZE: '0',
    });
    expect(config).toMatchObject({
      AUTH_TOKEN_CACHE_SIZE: 0,
      PORT: 9000,
      publicUrl: 'https://support.example.com',
      ALLOWED_ORIGINS: ['https://shop.example', 'http://localhost:5173'],
      GUEST_MODE: true,
      slaHours: { urgent: 2 },
      MAX_JSON_BODY_BYTES: 4096,
    });
    expect(loadConfig({ ALLOWED_ORIGINS: '*' }).ALLOWED_ORIGINS).toEqual(['*']);
    expect(loadConfig({ AUTH_JWKS_URL: 'https://idp.example/.well-known/jwks.json' }).AUTH_JWKS_URL).toBe('https://idp.example/.well-known/jwks.json');
    for (const off of ['false', '0', 'no', 'off']) expect(loadConfig({ GUEST_MODE: off }).GUEST_MODE).toBe(false);
  });

  it('treats blank values as unset', () => {
    const config = loadConfig({ PORT: '', AUTH_JWT_SECRET: '  ', DATABASE_URL: '' });
    expect(config.PORT).toBe(8787);
    expect(config.AUTH_JWT_SECRET).toBeUndefined();
    expect(config.DATABASE_URL).toBeUndefined();
  });

  it.each([
    [{ PORT: 'abc' }, 'PORT'],
    [{ PORT: '70000' }, 'PORT'],
    [{ PORT: '80.5' }, 'PORT'],
    [{ ALLOWED_ORIGINS: 'https://shop.example/path' }, 'ALLOWED_ORIGINS'],
    [{ ALLOWED_ORIGINS: 'https://shop.example, shop.example' }, 'ALLOWED_ORIGINS'],
    [{ ALLOWED_ORIGINS: 'https://shop.example/' }, 'ALLOWED_ORIGINS'],
    [{ ALLOWED_ORIGINS: 'ftp://shop.example' }, 'ALLOWED_ORIGINS'],
    [{ AUTH_JWT_SECRET: 'too-short' }, 'AUTH_JWT_SECRET'],
    [{ AUTH_JWKS_URL: 'not a url' }, 'AUTH_JWKS_URL'],
    [{ AUTH_JWKS_URL: 'file:///etc/passwd' }, 'AUTH_JWKS_URL'],
    [{ GUEST_MODE: 'maybe' }, 'GUEST_MODE'],
    [{ TRUST_PROXY: 'sometimes' }, 'TRUST_PROXY'],
    [{ DATABASE_URL: 'mysql://root@localhost/tickets' }, 'DATABASE_URL'],
    [{ DATABASE_URL: 'not a url' }, 'DATABASE_URL'],
    [{ DATABASE_URL: 'postgresql:///tickets?host=relative/socket' }, 'DATABASE_URL'],
    [{ DATABASE_URL: 'postgresql://app@%ZZ/tickets' }, 'DATABASE_URL'],
    [{ DATABASE_URL: 'postgresql://app@localhost/tickets?port=0' }, 'DATABASE_URL'],
    [{ DATABASE_URL: 'postgresql://app@localhost/tickets?host=a&host=b' }, 'DATABASE_URL'],
    [{ PUBLIC_URL: 'ftp://support.example' }, 'PUBLIC_URL'],
    [{ SLA_HOURS_URGENT: '0' }, 'SLA_HOURS_URGENT'],
    [{ RATE_LIMIT_MESSAGES_PER_MINUTE: '-1' }, 'RATE_LIMIT_MESSAGES_PER_MINUTE'],
    [{ MAX_JSON_BODY_BYTES: '10' }, 'MAX_JSON_BODY_BYTES'],
    [{ LOG_LEVEL: 'loud' }, 'LOG_LEVEL'],
  ] as [Record<string, string>, string][])('refuses %j, naming %s', (env, variable) => {
    expectConfigError(env, variable);
  });

  it('refuses AUTH_JWT_SECRET and AUTH_JWKS_URL together, naming both', () => {
    const error = expectConfigError({ AUTH_JWT_SECRET: secret, AUTH_JWKS_URL: 'https://idp.example/jwks.json' }, 'AUTH_JWKS_URL');
    expect(error.message).toContain('AUTH_JWT_SECRET');
  });

  it('names every wrong variable at once', () => {
    const error = expectConfigError({ PORT: 'abc', GUEST_MODE: 'maybe', DATABASE_URL: 'mysql://x', AUTH_TOKEN_CACHE_SIZE: '-1' }, 'PORT');
    expect(error.message).toContain('AUTH_TOKEN_CACHE_SIZE');
    expect(error.message).toContain('GUEST_MODE');
    expect(error.message).toContain('DATABASE_URL');
  });

  it('never prints the secret it refuses', () => {
    const error = expectConfigError({ AUTH_JWT_SECRET: 'short-secret-xyz' }, 'AUTH_JWT_SECRET');
    expect(error.message).not.toContain('short-secret-xyz');
  });
});

describe('node server/main.ts with a wrong value', () => {
  it('exits non-zero, printing the variable', async () => {
    const dataDir = await mkdtemp(join(tmpdir(), 'tw-config-'));
    try {
      const env: NodeJS.ProcessEnv = { ...process.env, PORT: 'abc', DATA_DIR: dataDir, LOG_LEVEL: 'silent' };
      delete env.DATABASE_URL;
      const child = spawn(process.execPath, [resolve('server/main.ts')], { env, stdio: ['ignore', 'pipe', 'pipe'], timeout: 20_000 });
      let output = '';
      child.stdout.on('data', (chunk) => (output += chunk));
      child.stderr.on('data', (chunk) => (output += chunk));
      const [code, signal] = await new Promise<[number | null, NodeJS.Signals | null]>((done) => child.on('exit', (c, s) => done([c, s])));
      expect(signal, `killed after the timeout:\n${output}`).toBeNull();
      expect(code).not.toBe(0);
      expect(output).toContain('PORT');
      expect(output).not.toMatch(/ticket-widget is running/);
    } finally {
      await rm(dataDir, { recursive: true, force: true });
    }
  }, 30_000);
});
