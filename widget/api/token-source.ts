/**
 * The customer's current token, whichever way the host page gives it: a fixed `token`, a
 * `tokenProvider` (asked again a minute before expiry, and after the server said 401), or a
 * guest session started in the widget and kept for this server.
 */
import type { Identity } from '../widget-host.ts';

const refreshMarginMs = 60_000;

/** Seconds-since-epoch `exp` and `sub` of a JWT (read, not verified: the server verifies). */
export function readClaims(token: string): { exp?: number; sub?: string } {
  try {
    return JSON.parse(atob(token.split('.')[1]!.replace(/-/g, '+').replace(/_/g, '/'))) as { exp?: number; sub?: string };
  } catch {
    return {};
  }
}

export class NoIdentity extends Error {
  override name = 'NoIdentity';
}

export class TokenSource {
  readonly #identity: Identity;
  #guestToken: () => string | null;
  #cached: string | undefined;
  #pending: Promise<string> | undefined;

  constructor(identity: Identity, guestToken: () => string | null) {
    this.#identity = identity;
    this.#guestToken = guestToken;
  }

  get kind(): Identity['kind'] {
    return this.#identity.kind;
  }

  /** A token to send now; throws NoIdentity when there is none (signed out, guest not started). */
  async get(): Promise<string> {
    const identity = this.#identity;
    if (identity.kind === 'token') return identity.token;
    if (identity.kind === 'guest') {
      const token = this.#guestToken();
      if (!token) throw new NoIdentity('The guest session has not started.');
      return token;
    }
    if (identity.kind === 'none') throw new NoIdentity('Nobody is signed in.');
    if (this.#cached && !this.#expiresSoon(this.#cached)) return this.#cached;
    this.#pending ??= Promise.resolve()
      .then(() => identity.provider())
      .then((token) => {
        this.#cached = token;
        return token;
      })
      .finally(() => (this.#pending = undefined));
    return this.#pending;
  }

  /** The server refused the token: ask the provider for a new one next time. */
  invalidate(): void {
    this.#cached = undefined;
  }

  #expiresSoon(token: string): boolean {
    const { exp } = readClaims(token);
    return exp !== undefined && exp * 1000 - Date.now() < refreshMarginMs;
  }
}
