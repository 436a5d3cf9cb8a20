/**
 * The server's configuration, from the environment, parsed once at start. A wrong value stops
 * start-up with a message that names the variable. README.md lists every variable.
 */
import { z } from 'zod';

const flag = z.stringbool({ truthy: ['1', 'true', 'yes', 'on'], falsy: ['0', 'false', 'no', 'off', ''] });
const hours = z.coerce.number().int().positive();
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
    DATABASE_URL: z.url({ protocol: /^postgres(ql)?$/ }).optional(),
    DATABASE_POOL_SIZE: z.coerce.number().int().min(1).max(200).default(10),
    AUTH_JWT_SECRET: z.string().min(32, 'must be at least 32 characters (HS256 needs a 256-bit key)').optional(),
    AUTH_JWKS_URL: z.url({ protocol: /^https?$/ }).optional(),
    AUTH_JWT_ISSUER: z.string().min(1).optional(),
    AUTH_JWT_AUDIENCE: z.string().min(1).optional(),
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
    TRUST_PROXY: flag.default(false),
    LOG_LEVEL: z.enum(['debug', 'info', 'warn', 'error', 'silent']).default('info'),
  })
  .refine((env) => !(env.AUTH_JWT_SECRET && env.AUTH_JWKS_URL), {
    message: 'set AUTH_JWT_SECRET or AUTH_JWKS_URL, not both',
    path: ['AUTH_JWKS_URL'],
  });

export type Environment = z.infer<typeof environmentSchema>;

export interface Config extends Environment {
  /** Demo pages and the demo token endpoint: on by default without DATABASE_URL, off with it. */
  demoMode: boolean;
  publicUrl: string;
  slaHours: Record<'low' | 'medium' | 'high' | 'urgent', number>;
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
  };
}
