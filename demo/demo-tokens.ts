/**
 * Minting a demo identity's token exactly as a site owner's backend would (README, "Identity"):
 * HS256 with AUTH_JWT_SECRET, the product's own user id as `sub`, email and name, a short life.
 */
import { SignJWT } from 'jose';
import { demoSubject, type DemoIdentity } from './identities.ts';

export const demoTokenSeconds = 15 * 60;

export interface DemoTokenOptions {
  secret: string;
  issuer?: string | undefined;
  audience?: string | undefined;
  ttlSeconds?: number;
}

export async function mintDemoToken(identity: DemoIdentity, options: DemoTokenOptions): Promise<{ token: string; expiresAt: number }> {
  const expiresAt = Math.floor(Date.now() / 1000) + (options.ttlSeconds ?? demoTokenSeconds);
  const jwt = new SignJWT({ email: identity.email, name: identity.name })
    .setProtectedHeader({ alg: 'HS256', typ: 'JWT' })
    .setSubject(demoSubject(identity))
    .setIssuedAt()
    .setExpirationTime(expiresAt);
  if (options.issuer) jwt.setIssuer(options.issuer);
  if (options.audience) jwt.setAudience(options.audience);
  return { token: await jwt.sign(new TextEncoder().encode(options.secret)), expiresAt };
}
