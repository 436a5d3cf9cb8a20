/** Tokens as the site owner's backend would sign them: HS256 with AUTH_JWT_SECRET, the user's id as subject, with the email and name the user rows hold. */
import { SignJWT } from 'jose';

export function signUserToken(secret: string, user: { id: string; email: string; name: string }, expiresIn = '3h'): Promise<string> {
  return new SignJWT({ email: user.email, name: user.name })
    .setProtectedHeader({ alg: 'HS256', typ: 'JWT' })
    .setSubject(user.id)
    .setIssuedAt()
    .setExpirationTime(expiresIn)
    .sign(new TextEncoder().encode(secret));
}
