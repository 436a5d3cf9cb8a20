/**
 * User ids for identity providers whose `sub` is not a UUID: a UUID v5 of issuer and subject,
 * so the same person always gets the same id and two issuers never collide.
 */
import { createHash } from 'node:crypto';

const uuidPattern = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** The UUID v5 namespace of ticket-widget subjects (itself a v5 of the URL namespace). */
const subjectNamespace = 'f0f1f3b6-3c0a-5a7e-9d3e-6c1b1f0b2a47';

export function isUuid(value: string): boolean {
  return uuidPattern.test(value);
}

/** RFC 4122 §4.3: SHA-1 of namespace bytes + name, with version 5 and the RFC variant. */
export function uuidV5(name: string, namespace: string = subjectNamespace): string {
  const namespaceBytes = Buffer.from(namespace.replace(/-/g, ''), 'hex');
  const hash = createHash('sha1').update(namespaceBytes).update(name, 'utf8').digest();
  hash[6] = (hash[6]! & 0x0f) | 0x50;
  hash[8] = (hash[8]! & 0x3f) | 0x80;
  const hex = hash.subarray(0, 16).toString('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

/** The user id for a token's subject: the subject itself when it is a UUID. */
export function userIdForSubject(issuer: string | undefined, subject: string): { userId: string; externalId?: string } {
  if (isUuid(subject)) return { userId: subject.toLowerCase() };
  return { userId: uuidV5(`${issuer ?? ''}|${subject}`), externalId: subject };
}
