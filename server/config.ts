/**
 * The server's configuration, from the environment, parsed once at start. A wrong value stops
 * start-up with a message that names the variable. README.md lists every variable.
 */
import { z } from 'zod';
import { ConnectionStringError, postgresTarget } from '../db/postgres-connection.ts';
import { attachmentTypeNames, defaultAttachmentTypes, isKnownAttachmentType, type AttachmentType } from './attachments/types.ts';
import { defaultRememberedTokens } from './auth/verified-tokens.ts';

const flag = z.stringbool({ truthy: ['1', 'true', 'yes', 'on'], falsy: ['0', 'false', 'no', 'off', ''] });
const hours = z.coerce.number().int().positive();
const bytes = z.coerce.number().int().min(1).max(Number.MAX_SAFE_INTEGER);
/** A PostgreSQL URL as libpq reads it, a Unix socket included (db/postgres-connection.ts). */
const databaseUrl = z.url({ protocol: /^postgres(ql)?$/ }).superRefine((value, context) => {
  try {
    postgresTarget(value);
  } catch (error) {
    if (!(error instanceof ConnectionStringError)) throw error;
    context.addIssue({ code: 'custom', message: error.message });
  }
});
const origin = z.string().refine((value) => value === '*' || isOrigin(value), { message: 'must be an origin like https://shop.example.com (scheme, host, optional port; no path), or *' });

function isOrigin(value: string): boolean {
  try {
    const url = new URL(value);
    return (url.protocol === 'http:' || url.protocol === 'https:') && url.origin === value;
  } catch {
    return false;
  }
}

const environmentSchema = z
  .object({
    PORT: z.coerce.number().int().min(0).max(65535).default(8787),
    HOST: z.string().min(1).default('127.0.0.1'),
    /** The URL people and widgets reach this server at; defaults to http://localhost:PORT. */
    PUBLIC_URL: z.url({ protocol: /^https?$/ }).optional(),
    DATA_DIR: z.string().min(1).default('./data'),
    DATABASE_URL: databaseUrl.optional(),
    DATABASE_POOL_SIZE: z.coerce.number().int().min(1).max(200).default(10),
    DATABASE_PREPARED_STATEMENTS: flag.default(true),
    DATABASE_STATEMENT_TIMEOUT_MS: z.coerce.number().int().min(0).default(15_000),
    DATABASE_IDLE_IN_TRANSACTION_TIMEOUT_MS: z.coerce.number().int().min(0).default(30_000),
    AUTH_JWT_SECRET: z.string().min(32, 'must be at least 32 characters (HS256 needs a 256-bit key)').optional(),
    AUTH_JWKS_URL: z.url({ protocol: /^https?$/ }).optional(),
    AUTH_JWT_ISSUER: z.string().min(1).optional(),
    AUTH_JWT_AUDIENCE: z.string().min(1).optional(),
    /** Verified tokens each instance remembers (server/auth/verified-tokens.ts); 0 verifies every request in full. */
    AUTH_TOKEN_CACHE_SIZE: z.coerce.number().int().min(0).max(1_000_000).default(defaultRememberedTokens),
    ALLOWED_ORIGINS: z
      .string()
      .default('')
      .transform((value) => value.split(',').map((entry) => entry.trim()).filter(Boolean))
      .pipe(z.array(origin)),
    GUEST_MODE: flag.default(false),
    DEMO_MODE: flag.optional(),
    AGENT_SESSION_HOURS: hours.default(12),
    GUEST_SESSION_HOURS: hours.default(24 * 30),
    SLA_HOURS_LOW: hours.default(120),
    SLA_HOURS_MEDIUM: hours.default(48),
    SLA_HOURS_HIGH: hours.default(24),
    SLA_HOURS_URGENT: hours.default(4),
    RATE_LIMIT_GUEST_SESSIONS_PER_HOUR: z.coerce.number().int().min(1).default(20),
    RATE_LIMIT_TICKETS_PER_HOUR: z.coerce.number().int().min(1).default(30),
    RATE_LIMIT_MESSAGES_PER_MINUTE: z.coerce.number().int().min(1).default(30),
    MAX_JSON_BODY_BYTES: z.coerce.number().int().min(1024).default(1024 * 1024),
    /** Where attachments are stored: `disk` (under DATA_DIR) or `s3` (S3-compatible object storage, S3_*). */
    STORAGE: z.enum(['disk', 's3']).default('disk'),
    S3_ENDPOINT: z.url({ protocol: /^https?$/ }).optional(),
    S3_REGION: z.string().min(1).default('us-east-1'),
    S3_BUCKET: z.string().regex(/^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/, 'must be an S3 bucket name (3 to 63 lower-case letters, digits, dots, hyphens)').optional(),
    S3_ACCESS_KEY_ID: z.string().min(1).optional(),
    S3_SECRET_ACCESS_KEY: z.string().min(1).optional(),
    /** Path-style URLs (endpoint/bucket/key); on by default when S3_ENDPOINT is set (MinIO, Ceph, …). */
    S3_FORCE_PATH_STYLE: flag.optional(),
    ATTACHMENT_MAX_FILE_BYTES: bytes.default(10 * 1024 * 1024),
    ATTACHMENT_MAX_FILES: z.coerce.number().int().min(1).max(100).default(10),
    ATTACHMENT_MAX_REQUEST_BYTES: bytes.default(25 * 1024 * 1024),
    /** Comma-separated MIME types, a subset of the types that can be recognised from their bytes. */
    ATTACHMENT_TYPES: z
      .string()
      .transform((value) => value.split(',').map((entry) => entry.trim().toLowerCase()).filter(Boolean))
      .pipe(z.array(z.string().refine(isKnownAttachmentType, { message: `must list only these types: ${attachmentTypeNames.join(', ')}` })).min(1))
      .optional(),
    TRUST_PROXY: flag.default(false),
    LOG_LEVEL: z.enum(['debug', 'info', 'warn', 'error', 'silent']).default('info'),
    LIVE_AUTH_TIMEOUT_MS: z.coerce.number().int().min(100).default(10_000),
    LIVE_HEARTBEAT_MS: z.coerce.number().int().min(100).default(25_000),
    LIVE_POLL_MS: z.coerce.number().int().min(10).default(1_000),
    LIVE_MAX_BUFFERED_BYTES: z.coerce.number().int().min(1024).default(1024 * 1024),
  })
  .refine((env) => !(env.AUTH_JWT_SECRET && env.AUTH_JWKS_URL), {
    message: 'set AUTH_JWT_SECRET or AUTH_JWKS_URL, not both',
    path: ['AUTH_JWKS_URL'],
  })
  .superRefine((env, context) => {
    if (env.STORAGE !== 's3') return;
    for (const name of ['S3_BUCKET', 'S3_ACCESS_KEY_ID', 'S3_SECRET_ACCESS_KEY'] as const) {
      if (!env[name]) context.addIssue({ code: 'custom', message: 'is required when STORAGE=s3', path: [name] });
    }
  });

export type Environment = z.infer<typeof environmentSchema>;

export interface Config extends Environment {
  /** Demo pages and the demo token endpoint: on by default without DATABASE_URL, off with it. */
  demoMode: boolean;
  publicUrl: string;
  slaHours: Record<'low' | 'medium' | 'high' | 'urgent', number>;
  /** The attachment types accepted: ATTACHMENT_TYPES, or every type that can be recognised. */
  attachmentTypes: readonly AttachmentType[];
}

export class ConfigError extends Error {
  override name = 'ConfigError';
}

/** Parses the environment; throws a ConfigError naming each wrong variable. */
export function loadConfig(env: Record<string, string | undefined> = process.env): Config {
  const blankAsUnset = Object.fromEntries(Object.entries(env).filter(([, value]) => value !== undefined && value.trim() !== ''));
  const parsed = environmentSchema.safeParse(blankAsUnset);
  if (!parsed.success) {
    const lines = parsed.error.issues.map((issue) => `  ${issue.path.join('.') || '(environment)'}: ${issue.message}`);
    throw new ConfigError(`Invalid configuration:\n${lines.join('\n')}`);
  }
  const e = parsed.data;
  return {
    ...e,
    demoMode: e.DEMO_MODE ?? !e.DATABASE_URL,
    publicUrl: (e.PUBLIC_URL ?? `http://localhost:${e.PORT}`).replace(/\/$/, ''),
    slaHours: { low: e.SLA_HOURS_LOW, medium: e.SLA_HOURS_MEDIUM, high: e.SLA_HOURS_HIGH, urgent: e.SLA_HOURS_URGENT },
    attachmentTypes: (e.ATTACHMENT_TYPES as AttachmentType[] | undefined) ?? defaultAttachmentTypes,
  };
}

/** For entry points: the configuration, or its problems on stderr and exit code 1. */
export function loadConfigOrExit(env: Record<string, string | undefined> = process.env): Config {
  try {
    return loadConfig(env);
  } catch (error) {
    if (error instanceof ConfigError) {
      console.error(error.message);
      process.exit(1);
    }
    throw error;
  }
}
