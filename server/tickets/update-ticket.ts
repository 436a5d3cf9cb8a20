/** Changing a ticket: the team changes anything the contract lists; a customer may only close their own. */
import { eq } from 'drizzle-orm';
import type { Tx } from '../../db/rls.ts';
import { tickets } from '../../db/schema/index.ts';
import type { AuthUser } from '../auth/user-directory.ts';
import { ApiError, forbidden, notFound } from '../errors.ts';
import type { UpdateTicketBody } from '../schemas/tickets.ts';

/**
 * @param expectedVersion the ticket's `updatedAt` the client last saw (If-Match); a newer one
 *   means someone else changed it meanwhile, and the change is refused with 409.
 */
export async function updateTicket(tx: Tx, user: AuthUser, ticketId: string, body: UpdateTicketBody, expectedVersion?: string): Promise<void> {
  const [current] = await tx.select({ updatedAt: tickets.updatedAt, customerId: tickets.customerId }).from(tickets).where(eq(tickets.id, ticketId)).for('update');
  if (!current) throw notFound('That ticket');
  if (!user.teamRole) {
    const onlyClosing = Object.keys(body).length === 1 && body.status === 'closed';
    if (!onlyClosing) throw forbidden('Customers may only close their own tickets (send {"status": "closed"}).');
  }
  if (expectedVersion !== undefined && current.updatedAt.toISOString() !== expectedVersion) {
    throw new ApiError('conflict', 'Someone else changed this ticket since you loaded it; reload it and try again.');
  }
  await tx
    .update(tickets)
    .set({
      ...(body.status !== undefined ? { status: body.status } : {}),
      ...(body.priority !== undefined ? { priority: body.priority } : {}),
      ...(body.assigneeId !== undefined ? { assignedTo: body.assigneeId } : {}),
      ...(body.dueDate !== undefined ? { dueDate: body.dueDate === null ? null : new Date(body.dueDate) } : {}),
      ...(body.title !== undefined ? { title: body.title } : {}),
    })
    .where(eq(tickets.id, ticketId));
}
