/**
 * Identity from a JWT. Outside tokens come from the site owner's backend (HS256 with
 * AUTH_JWT_SECRET, or RS256/ES256 from AUTH_JWKS_URL; Supabase Auth tokens as they are); the
 * server signs its own short-lived session tokens for guests and agents with a key every
 * instance shares. `exp` is required; `alg: none` and any algorithm not configured are refused.
 */
import { createRemoteJWKSet, decodeJwt, errors as joseErrors, jwtVerify, SignJWT, type JWTPayload, type JWTVerifyGetKey } from 'jose';
import { ApiError } from '../errors.ts';
import { userIdForSubject } from './stable-user-id.ts';
import { createVerifiedTokens, defaultRememberedTokens } from './verified-tokens.ts';

/** The issuer of the server's own session tokens; outside tokens may not use it. */
export const sessionIssuer = 'urn:ticket-widget:session';
const sessionAudience = 'urn:ticket-widget:api';

export type SessionKind = 'agent' | 'guest';

export interface VerifiedIdentity {
  userId: string;
  externalId?: string;
  email?: string;
  name?: string;
  /** Seconds since the epoch. */
  expiresAt: number;
  /** Set for the server's own session tokens. */
  session?: SessionKind;
}

export interface TokenServiceOptions {
  jwtSecret?: string | undefined;
  jwksUrl?: string | undefined;
  issuer?: string | undefined;
  audience?: string | undefined;
  /** The key that signs guest and agent sessions (shared by every instance; see server/auth/server-secrets.ts). */
  sessionKey: Uint8Array;
  /** How many verified tokens to remember (verified-tokens.ts; default defaultRememberedTokens, 0: none). */
  rememberedTokens?: number | undefined;
  /** The clock tokens are judged by (tests move it). */
  now?: () => Date;
}

export interface TokenService {
  verify(token: string): Promise<VerifiedIdentity>;
  signSession(input: { userId: string; kind: SessionKind; email?: string; name?: string; ttlSeconds: number }): Promise<{ token: string; expiresAt: number }>;
}

const unauthorized = (message: string) => new ApiError('unauthorized', message);

/** How long an identity provider's keys (JWKS) are kept before they are fetched again, and a verified token remembered at most. */
const keysKeptSeconds = 10 * 60;

/** Leeway for clocks that differ: small for our own tokens, more for the site owner's servers. */
const sessionClockTolerance = 5;
const outsideClockTolerance = 30;

/**
 * An HS256 key as a WebCrypto key, imported once. jose verifies through WebCrypto: handed raw
 * bytes or a KeyObject it imports the key again on every call, which cost about a quarter of
 * each verify (measured: 85 µs of CPU per token with a KeyObject, 60 with a CryptoKey).
 */
function hmacKey(secret: Uint8Array<ArrayBuffer>): Promise<CryptoKey> {
  return crypto.subtle.importKey('raw', secret, { name: 'HMAC', hash: 'SHA-256' }, false, ['sign', 'verify']);
}

export async function createTokenService(options: TokenServiceOptions): Promise<TokenService> {
  const outside: { key: CryptoKey | JWTVerifyGetKey; algorithms: string[] } | undefined = options.jwtSecret
    ? { key: await hmacKey(new TextEncoder().encode(options.jwtSecret)), algorithms: ['HS256'] }
    : options.jwksUrl
      ? { key: unavailableWhenUnreachable(createRemoteJWKSet(new URL(options.jwksUrl), { cooldownDuration: 30_000, cacheMaxAge: keysKeptSeconds * 1000 })), algorithms: ['RS256', 'ES256'] }
      : undefined;

  const sessionKey = await hmacKey(Uint8Array.from(options.sessionKey));

  const now = options.now ?? (() => new Date());
  // A withdrawn key stops counting no later than it would without this: when the JWKS is fetched again.
  const verified = createVerifiedTokens<VerifiedIdentity>({ capacity: options.rememberedTokens ?? defaultRememberedTokens, maxAgeSeconds: keysKeptSeconds });

  /** Verifies a token, or recalls that it was verified (see verified-tokens.ts): the same answer, cheaper. */
  async function verify(token: string): Promise<VerifiedIdentity> {
    const at = now();
    const nowSeconds = Math.floor(at.getTime() / 1000);
    const known = verified.recall(token, nowSeconds);
    if (known === 'expired') throw unauthorized('The token has expired.');
    if (known) return known;
    const { identity, clockTolerance } = await verifyInFull(token, at);
    verified.remember(token, identity, identity.expiresAt + clockTolerance, nowSeconds);
    return identity;
  }

  async function verifyInFull(token: string, currentDate: Date): Promise<{ identity: VerifiedIdentity; clockTolerance: number }> {
    let unverified: JWTPayload;
    try {
      unverified = decodeJwt(token);
    } catch {
      throw unauthorized('The token is not a JWT.');
    }
    const ours = unverified.iss === sessionIssuer;
    if (!ours && !outside) throw unauthorized('This server accepts no outside tokens (AUTH_JWT_SECRET or AUTH_JWKS_URL is not set).');
    const clockTolerance = ours ? sessionClockTolerance : outsideClockTolerance;
    let payload: JWTPayload;
    try {
      ({ payload } = ours
        ? await jwtVerify(token, sessionKey, { algorithms: ['HS256'], issuer: sessionIssuer, audience: sessionAudience, requiredClaims: ['exp', 'sub'], clockTolerance, currentDate })
        : await jwtVerify(token, outside!.key as CryptoKey, {
            algorithms: outside!.algorithms,
            requiredClaims: ['exp', 'sub'],
            clockTolerance,
            currentDate,
            ...(options.issuer ? { issuer: options.issuer } : {}),
            ...(options.audience ? { audience: options.audience } : {}),
          }));
    } catch (error) {
      if (error instanceof KeysUnavailable) {
        throw new ApiError('unavailable', 'The identity provider keys could not be fetched; try again shortly.', { headers: { 'Retry-After': '5' } });
      }
      throw unauthorized(describeJoseError(error));
    }
    if (typeof payload.sub !== 'string' || payload.sub.length === 0 || payload.sub.length > 255 || payload.sub.includes('\u0000')) throw unauthorized('The token has no usable subject (sub).');
    // PostgreSQL text cannot hold NUL: such a claim is refused here rather than failing the user upsert.
    if ((typeof payload.email === 'string' && payload.email.includes('\u0000')) || (typeof payload.name === 'string' && payload.name.includes('\u0000'))) {
      throw unauthorized('The token has an unusable email or name claim.');
    }
    const { userId, externalId } = userIdForSubject(payload.iss, payload.sub);
    const identity: VerifiedIdentity = { userId, expiresAt: payload.exp! };
    if (externalId) identity.externalId = externalId;
    if (typeof payload.email === 'string' && payload.email.length <= 320) identity.email = payload.email;
    if (typeof payload.name === 'string' && payload.name.length <= 200) identity.name = payload.name;
    if (ours && (payload.kind === 'agent' || payload.kind === 'guest')) identity.session = payload.kind;
    // Shared by every later request with this token: nobody may change it.
    return { identity: Object.freeze(identity), clockTolerance };
  }

  async function signSession(input: { userId: string; kind: SessionKind; email?: string; name?: string; ttlSeconds: number }) {
    const issuedAt = Math.floor(now().getTime() / 1000);
    const expiresAt = issuedAt + input.ttlSeconds;
    const claims: JWTPayload = { kind: input.kind, role: 'authenticated' };
    if (input.email) claims.email = input.email;
    if (input.name) claims.name = input.name;
    const token = await new SignJWT(claims)
      .setProtectedHeader({ alg: 'HS256', typ: 'JWT' })
      .setIssuer(sessionIssuer)
      .setAudience(sessionAudience)
      .setSubject(input.userId)
      .setIssuedAt(issuedAt)
      .setExpirationTime(expiresAt)
      .sign(sessionKey);
    return { token, expiresAt };
  }

  return { verify, signSession };
}

/** The identity provider's keys could not be fetched: the token may be fine, so this is 503, not 401. */
class KeysUnavailable extends Error {
  override name = 'KeysUnavailable';
}

/** Fetch failures of the remote JWKS (network, timeout, non-200, not a JWKS) become KeysUnavailable. */
function unavailableWhenUnreachable(getKey: JWTVerifyGetKey): JWTVerifyGetKey {
  return async (header, token) => {
    try {
      return await getKey(header, token);
    } catch (error) {
      const fetchFailed =
        error instanceof TypeError ||
        error instanceof joseErrors.JWKSTimeout ||
        error instanceof joseErrors.JWKSInvalid ||
        (error instanceof joseErrors.JOSEError && error.code === 'ERR_JOSE_GENERIC');
      if (fetchFailed) throw new KeysUnavailable('JWKS unavailable', { cause: error });
      throw error;
    }
  };
}

function describeJoseError(error: unknown): string {
  if (error instanceof joseErrors.JWTExpired) return 'The token has expired.';
  if (error instanceof joseErrors.JWTClaimValidationFailed) {
    if (error.claim === 'exp') return 'The token has no expiry (exp).';
    if (error.claim === 'aud') return 'The token is for another audience.';
    if (error.claim === 'iss') return 'The token is from another issuer.';
    return `The token's ${error.claim} claim is not acceptable.`;
  }
  if (error instanceof joseErrors.JOSEAlgNotAllowed) return 'The token is signed with an algorithm this server does not accept.';
  if (error instanceof joseErrors.JWSSignatureVerificationFailed) return 'The token signature does not verify.';
  if (error instanceof joseErrors.JWKSNoMatchingKey) return 'No key of the identity provider matches the token.';
  return 'The token is not valid.';
}
