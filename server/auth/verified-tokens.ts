/**
 * Tokens this server has already verified, remembered so that the next requests with the same
 * token (a page sends one token with every request until it nears expiry) skip the signature
 * check: through jose and WebCrypto that costs about 60 µs of CPU and a trip to the thread pool
 * per request, where a look-up here costs under a microsecond. PostgREST does the same
 * (jwt-cache-max-lifetime).
 *
 * What is remembered is only what a full verification concluded, keyed by the token's exact
 * text, so a token that differs in any character is verified in full. A remembered token is
 * still refused once its `exp` (plus the clock tolerance it was verified with) has passed, and
 * forgotten after `maxAgeSeconds` whatever its expiry, so that a key the identity provider
 * withdraws stops counting after as long as jose's own JWKS cache keeps keys anyway. Failures are
 * never remembered. At most `capacity` tokens are held; the oldest goes first.
 */
/** How many verified tokens an instance remembers unless told otherwise (AUTH_TOKEN_CACHE_SIZE). */
export const defaultRememberedTokens = 10_000;

export interface VerifiedTokens<T> {
  /** The identity a token was verified to, `'expired'` once it no longer may be used, or undefined when not remembered. */
  recall(token: string, nowSeconds: number): T | 'expired' | undefined;
  /** Remembers a verified token, usable while `nowSeconds` is below `usableUntilSeconds`. */
  remember(token: string, identity: T, usableUntilSeconds: number, nowSeconds: number): void;
  readonly size: number;
}

interface Entry<T> {
  identity: T;
  usableUntil: number;
  forgetAt: number;
}

export function createVerifiedTokens<T>({ capacity, maxAgeSeconds }: { capacity: number; maxAgeSeconds: number }): VerifiedTokens<T> {
  const entries = new Map<string, Entry<T>>();
  return {
    recall(token, nowSeconds) {
      const entry = entries.get(token);
      if (entry === undefined) return undefined;
      if (nowSeconds >= entry.usableUntil) {
        entries.delete(token);
        return 'expired';
      }
      if (nowSeconds >= entry.forgetAt) {
        entries.delete(token);
        return undefined;
      }
      return entry.identity;
    },
    remember(token, identity, usableUntilSeconds, nowSeconds) {
      if (capacity <= 0) return;
      entries.delete(token);
      while (entries.size >= capacity) entries.delete(entries.keys().next().value!);
      entries.set(token, { identity, usableUntil: usableUntilSeconds, forgetAt: nowSeconds + maxAgeSeconds });
    },
    get size() {
      return entries.size;
    },
  };
}
