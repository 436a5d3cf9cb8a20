/**
 * Who may receive an event: the same rules as the event log's row-level security
 * ("Customers can view events of their own tickets", "Team members can view all events").
 * tests/live proves the socket and a withClaims read agree.
 */
export interface EventAudience {
  customerId: string;
  isInternal: boolean;
}

export interface Subscriber {
  userId: string;
  teamRole: 'agent' | 'admin' | null;
}

export function mayReceive(subscriber: Subscriber, event: EventAudience): boolean {
  if (subscriber.teamRole) return true;
  return event.customerId === subscriber.userId && !event.isInternal;
}
