/**
 * Remembering verified tokens (server/auth/verified-tokens.ts, used by the token service): a
 * remembered token gives the same identity as verifying it again, is still refused once it
 * expires, is forgotten after its time, and nothing but a full verification's success is
 * remembered.
 */
import { randomUUID } from 'node:crypto';
import { SignJWT, type JWTPayload } from 'jose';
import { describe, expect, it } from 'vitest';
import { createTokenService, sessionIssuer } from '../../server/auth/tokens.ts';
import { createVerifiedTokens } from '../../server/auth/verified-tokens.ts';
import { ApiError } from '../../server/errors.ts';

const secret = 'a-test-secret-of-at-least-32-characters!';
const t0 = Date.parse('2026-12-01T12:00:00Z');

/** A token service whose clock the test moves. */
async function serviceAt(start: number) {
  let nowMs = start;
  const service = await createTokenService({ jwtSecret: secret, sessionKey: new Uint8Array(32).fill(7), now: () => new Date(nowMs) });
  return { service, setNow: (ms: number) => (nowMs = ms) };
}

const sign = (claims: JWTPayload, key = secret) =>
  new SignJWT(claims).setProtectedHeader({ alg: 'HS256', typ: 'JWT' }).sign(new TextEncoder().encode(key));

async function refusal(promise: Promise<unknown>): Promise<string> {
  const error = await promise.then(() => undefined, (e: unknown) => e);
  expect(error).toBeInstanceOf(ApiError);
  expect((error as ApiError).code).toBe('unauthorized');
  return (error as ApiError).message;
}

describe('the token service remembers what it verified', () => {
  it('answers a token seen before with the same identity, frozen so no caller can change it', async () => {
    const { service } = await serviceAt(t0);
    const token = await sign({ sub: 'shop-user-7', email: 'ana@shop.test', iat: t0 / 1000, exp: t0 / 1000 + 600 });
    const first = await service.verify(token);
    const again = await service.verify(token);
    expect(again).toEqual(first);
    expect(first).toMatchObject({ email: 'ana@shop.test', expiresAt: t0 / 1000 + 600 });
    expect(Object.isFrozen(again)).toBe(true);
  });

  it('still refuses a remembered token once it has expired, with the clock tolerance verification allows', async () => {
    const { service, setNow } = await serviceAt(t0);
    const exp = t0 / 1000 + 60;
    const token = await sign({ sub: randomUUID(), exp });
    await service.verify(token);
    setNow((exp + 29) * 1000); // within the 30 s a site owner's clock may be off
    await expect(service.verify(token)).resolves.toMatchObject({ expiresAt: exp });
    setNow((exp + 30) * 1000);
    expect(await refusal(service.verify(token))).toBe('The token has expired.');
    // And after that, verified in full again: still expired.
    expect(await refusal(service.verify(token))).toBe('The token has expired.');
  });

  it("refuses the server's own session token after its shorter tolerance", async () => {
    const { service, setNow } = await serviceAt(t0);
    const { token, expiresAt } = await service.signSession({ userId: randomUUID(), kind: 'guest', ttlSeconds: 60 });
    await expect(service.verify(token)).resolves.toMatchObject({ session: 'guest' });
    setNow((expiresAt + 5) * 1000);
    expect(await refusal(service.verify(token))).toBe('The token has expired.');
  });

  it('verifies in full a token that differs from a remembered one in a single character', async () => {
    const { service } = await serviceAt(t0);
    const token = await sign({ sub: randomUUID(), exp: t0 / 1000 + 600 });
    await service.verify(token);
    const [header, payload, signature] = token.split('.') as [string, string, string];
    const flipped = signature.at(-2) === 'A' ? 'B' : 'A';
    expect(await refusal(service.verify(`${header}.${payload}.${signature.slice(0, -2)}${flipped}${signature.at(-1)}`))).toBe('The token signature does not verify.');
    const otherSubject = Buffer.from(JSON.stringify({ sub: randomUUID(), exp: t0 / 1000 + 600 })).toString('base64url');
    expect(await refusal(service.verify(`${header}.${otherSubject}.${signature}`))).toBe('The token signature does not verify.');
  });

  it('remembers no failure: a token refused for a claim is refused again, and a forged one never counts', async () => {
    const { service } = await serviceAt(t0);
    const noSubject = await sign({ exp: t0 / 1000 + 600 });
    expect(await refusal(service.verify(noSubject))).toMatch(/sub/);
    expect(await refusal(service.verify(noSubject))).toMatch(/sub/);
    const forged = await sign({ sub: randomUUID(), exp: t0 / 1000 + 600 }, 'another-secret-of-at-least-32-characters');
    expect(await refusal(service.verify(forged))).toBe('The token signature does not verify.');
    expect(await refusal(service.verify(forged))).toBe('The token signature does not verify.');
    const outsider = await sign({ iss: sessionIssuer, sub: randomUUID(), exp: t0 / 1000 + 600 });
    expect(await refusal(service.verify(outsider))).toBe('The token signature does not verify.');
  });
});

describe('the store of verified tokens', () => {
  it('recalls an identity until it may no longer be used, then says it expired and forgets it', () => {
    const store = createVerifiedTokens<string>({ capacity: 10, maxAgeSeconds: 600 });
    store.remember('token-a', 'ana', 1_100, 1_000);
    expect(store.recall('token-a', 1_099)).toBe('ana');
    expect(store.recall('token-a', 1_100)).toBe('expired');
    expect(store.recall('token-a', 1_050)).toBeUndefined();
    expect(store.size).toBe(0);
  });

  it('forgets a token after maxAgeSeconds, however far away its expiry', () => {
    const store = createVerifiedTokens<string>({ capacity: 10, maxAgeSeconds: 600 });
    store.remember('token-a', 'ana', 100_000, 1_000);
    expect(store.recall('token-a', 1_599)).toBe('ana');
    expect(store.recall('token-a', 1_600)).toBeUndefined();
    expect(store.size).toBe(0);
  });

  it('holds at most its capacity, letting the oldest go first', () => {
    const store = createVerifiedTokens<string>({ capacity: 2, maxAgeSeconds: 600 });
    store.remember('a', 'ana', 2_000, 1_000);
    store.remember('b', 'ben', 2_000, 1_000);
    store.remember('c', 'cy', 2_000, 1_000);
    expect(store.size).toBe(2);
    expect([store.recall('a', 1_001), store.recall('b', 1_001), store.recall('c', 1_001)]).toEqual([undefined, 'ben', 'cy']);
  });

  it('remembers nothing with no capacity', () => {
    const store = createVerifiedTokens<string>({ capacity: 0, maxAgeSeconds: 600 });
    store.remember('a', 'ana', 2_000, 1_000);
    expect(store.recall('a', 1_001)).toBeUndefined();
  });
});
