/**
 * Live: a new ticket appears where the filters say it belongs (and not where they do not), a
 * change someone else made applies in place, a ticket that no longer matches leaves, every event
 * reaches the detail pane, and what the detail pane saves updates the card.
 */
/// <reference types="mocha" />
import { expect } from '@open-wc/testing';
import type { LiveEvent } from '../../../widget/api/types.ts';
import { asAgent, cardOf, detailOf, openConsole, openTicket, server, setSearch, titles, uniqueWord, until, untilTitles, workspaceOf } from '../support/console-browser.ts';

describe('console live', () => {
  afterEach(() => setSearch(''));

  it('places new tickets where the filters say, applies changes in place, and drops tickets that stop matching', async () => {
    const word = uniqueWord();
    const customer = await server.customer('Cleo');
    const agent = await server.agent('Mia');
    const colleague = await server.agent('Otto');
    const existing = await openTicket(customer, `${word} existing`);
    const { element, list } = await openConsole(agent.token, { search: `q=${word}&status=open` });
    await untilTitles(list, [`${word} existing`]);
    await until(() => workspaceOf(element)!.shadowRoot!.querySelector('.connection.live'), 'the live connection');

    const arrived = await openTicket(customer, `${word} arrived`);
    await untilTitles(list, [`${word} arrived`, `${word} existing`], 'the new ticket on top');
    // Not for this view: another word.
    await openTicket(customer, `${uniqueWord()} elsewhere`);

    await asAgent(colleague.token, 'PATCH', `/tickets/${existing.id}`, { priority: 'urgent', assigneeId: colleague.id });
    await until(() => cardOf(list, `${word} existing`).querySelector('.priority')!.textContent === 'Urgent', 'the priority, in place');
    expect(cardOf(list, `${word} existing`).querySelector('.assignee')!.textContent).to.equal('Otto');
    await asAgent(colleague.token, 'PATCH', `/tickets/${existing.id}`, { dueDate: new Date(Date.now() - 3 * 3600_000).toISOString() });
    const due = await until(() => cardOf(list, `${word} existing`).querySelector('.due.overdue'), 'overdue, in place');
    expect(due.textContent).to.equal('Overdue: was due 3 hours ago');

    await asAgent(colleague.token, 'PATCH', `/tickets/${arrived.id}`, { status: 'resolved' });
    await untilTitles(list, [`${word} existing`], 'the resolved ticket gone from the open queue');
    expect(titles(list)).to.deep.equal([`${word} existing`]);
  });

  it('hands every event to the detail pane and takes its saved state into the card', async () => {
    const word = uniqueWord();
    const customer = await server.customer();
    const agent = await server.agent();
    const ticket = await openTicket(customer, `${word} with detail`);
    const other = await openTicket(customer, `${word} another`);
    const { element, list } = await openConsole(agent.token, { search: `q=${word}&ticket=${ticket.id}` });
    const detail = await until(() => detailOf(element), 'the detail pane');
    expect((detail as unknown as { ticketId: string }).ticketId).to.equal(ticket.id);
    await until(() => workspaceOf(element)!.shadowRoot!.querySelector('.connection.live'), 'the live connection');
    const received: LiveEvent[] = [];
    const pane = detail as unknown as { applyLiveEvent(event: LiveEvent): void };
    const apply = pane.applyLiveEvent.bind(pane);
    pane.applyLiveEvent = (event) => {
      received.push(event);
      apply(event);
    };

    await asAgent(customer.token, 'POST', `/tickets/${ticket.id}/messages`, { message: 'Hello?' });
    await asAgent(customer.token, 'POST', `/tickets/${other.id}/messages`, { message: 'And here.' });
    await until(() => received.some((e) => e.kind === 'message.created' && e.ticketId === ticket.id), 'the event of the open ticket');
    await until(() => received.some((e) => e.kind === 'message.created' && e.ticketId === other.id), 'and of another ticket');

    const changed = await asAgent(agent.token, 'PATCH', `/tickets/${ticket.id}`, { title: `${word} renamed` });
    detail.dispatchEvent(new CustomEvent('ticket-changed', { bubbles: true, composed: true, detail: { ticket: changed } }));
    await until(() => titles(list).includes(`${word} renamed`), 'the card renamed');
  });
});
