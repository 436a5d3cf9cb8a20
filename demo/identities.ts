/**
 * Who the demo has: two customers of "Lumen Analytics" (the made-up product the demo page is)
 * and its support team. Customers are identified the way a site owner's backend identifies its
 * users — by its own user id as the token's `sub` — so their ticket-widget ids are derived from
 * it; team members sign in to the console with email and the demo password.
 */
import { userIdForSubject, uuidV5 } from '../server/auth/stable-user-id.ts';
import type { TeamRole } from '../db/schema/index.ts';

/** The password of every demo team member (printed at start, in the README). Demo data only. */
export const demoPassword = 'demo-password';

export interface DemoCustomer {
  key: 'customer-1' | 'customer-2';
  role: 'customer';
  /** The product's own user id: the `sub` of the tokens its backend signs. */
  subject: string;
  name: string;
  email: string;
  company: string;
}

export interface DemoTeamMember {
  key: 'agent-1' | 'agent-2' | 'admin';
  role: TeamRole;
  name: string;
  email: string;
}

export type DemoIdentity = DemoCustomer | DemoTeamMember;
export type DemoIdentityKey = DemoIdentity['key'];

export const demoCustomers: readonly DemoCustomer[] = [
  { key: 'customer-1', role: 'customer', subject: 'lumen-user-1042', name: 'Maya Lindqvist', email: 'maya@northwind-retail.test', company: 'Northwind Retail' },
  { key: 'customer-2', role: 'customer', subject: 'lumen-user-2077', name: 'Jonas Okafor', email: 'jonas@brightpath.test', company: 'Brightpath Travel' },
];

export const demoTeam: readonly DemoTeamMember[] = [
  { key: 'agent-1', role: 'agent', name: 'Priya Raman', email: 'agent@demo.test' },
  { key: 'agent-2', role: 'agent', name: 'Marco Bianchi', email: 'agent2@demo.test' },
  { key: 'admin', role: 'admin', name: 'Alex Kim', email: 'admin@demo.test' },
];

export const demoIdentities: readonly DemoIdentity[] = [...demoCustomers, ...demoTeam];
export const demoIdentityKeys = demoIdentities.map((identity) => identity.key) as [DemoIdentityKey, ...DemoIdentityKey[]];

export function demoIdentity(key: DemoIdentityKey): DemoIdentity {
  return demoIdentities.find((identity) => identity.key === key)!;
}

export function demoTeamMember(key: DemoTeamMember['key']): DemoTeamMember {
  return demoTeam.find((member) => member.key === key)!;
}

/** A team member's user id: fixed, so their tokens need no lookup. */
export function demoTeamMemberId(member: DemoTeamMember): string {
  return uuidV5(`ticket-widget-demo|${member.email}`);
}

/** The `sub` a demo token carries for this identity. */
export function demoSubject(identity: DemoIdentity): string {
  return identity.role === 'customer' ? identity.subject : demoTeamMemberId(identity);
}

/** The user id the server derives from that token (what the seed writes rows for). */
export function demoUserId(identity: DemoIdentity, issuer: string | undefined): string {
  return userIdForSubject(issuer, demoSubject(identity)).userId;
}
