/**
 * Quick actions on a card (assign to me, status, priority) show at once and reach the server; a
 * refused one is rolled back with a message saying so; bulk selection applies one action to
 * every selected ticket; a customer's new message marks a ticket unread until the agent opens it.
 */
/// <reference types="mocha" />
import { expect } from '@open-wc/testing';
import { asAgent, cardOf, cards, choose, openConsole, openTicket, server, setSearch, team, uniqueWord, until, workspaceOf } from '../support/console-browser.ts';

describe('console list: quick and bulk actions', () => {
  afterEach(() => setSearch(''));

  it('assigns to me, sets status and priority from the card, and the server keeps each change', async () => {
    const word = uniqueWord();
    const customer = await server.customer('Cleo');
    const agent = await server.agent('Mia');
    const ticket = await openTicket(customer, `${word} printer`);
    const { list } = await openConsole(agent.token, { search: `q=${word}` });
    let card = cardOf(list, `${word} printer`);
    expect(card.querySelector('.assignee')!.textContent).to.equal('Unassigned');
    expect(card.querySelector('.customer')!.textContent).to.equal('Cleo');
    expect(card.querySelector('.snippet')!.textContent).to.equal('Details.');
    expect(card.querySelector('.status')!.textContent).to.equal('Open');
    expect(card.querySelector('.priority')!.textContent).to.equal('Medium');

    card.querySelector<HTMLButtonElement>('.assign')!.click();
    await list.updateComplete;
    card = cardOf(list, `${word} printer`);
    // Shown before the server answers.
    expect(card.querySelector('.assignee')!.textContent).to.equal('Mia');
    expect(card.querySelector('.assign')).to.equal(null);
    await until(async () => (await server.call('GET', `/tickets/${ticket.id}`, agent.token)).body.assignee?.id === agent.id, 'the assignment saved');

    choose(card.querySelector('.set-status')!, 'in_progress');
    await list.updateComplete;
    expect(cardOf(list, `${word} printer`).querySelector('.status')!.textContent).to.equal('In progress');
    await until(async () => (await server.call('GET', `/tickets/${ticket.id}`, agent.token)).body.status === 'in_progress', 'the status saved');

    choose(cardOf(list, `${word} printer`).querySelector('.set-priority')!, 'urgent');
    await list.updateComplete;
    expect(cardOf(list, `${word} printer`).querySelector('.priority')!.textContent).to.equal('Urgent');
    await until(async () => (await server.call('GET', `/tickets/${ticket.id}`, agent.token)).body.priority === 'urgent', 'the priority saved');
    await until(() => !list.store!.pending.size, 'nothing pending');
    expect(list.shadowRoot!.querySelector('.notice')).to.equal(null);
  });

  it('rolls a refused change back and says why', async () => {
    const word = uniqueWord();
    const customer = await server.customer();
    const agent = await server.agent('Leaving Lee');
    const ticket = await openTicket(customer, `${word} refund`);
    const { list } = await openConsole(agent.token, { search: `q=${word}` });
    await until(() => cards(list).length === 1, 'the ticket');
    // Taken off the team while the console is open: the server now refuses their changes.
    await team.leave(agent.id);

    choose(cardOf(list, `${word} refund`).querySelector('.set-status')!, 'resolved');
    await list.updateComplete;
    expect(cardOf(list, `${word} refund`).querySelector('.status')!.textContent).to.equal('Resolved');
    const notice = await until(() => list.shadowRoot!.querySelector('.notice'), 'the message');
    expect(notice.textContent).to.include(`Your change to “${word} refund” was not saved and has been undone.`);
    expect(notice.closest('[role=alert]')).to.not.equal(null);
    const card = cardOf(list, `${word} refund`);
    expect(card.querySelector('.status')!.textContent).to.equal('Open');
    expect(card.querySelector<HTMLSelectElement>('.set-status')!.value).to.equal('open');
    const admin = await server.agent('Admin');
    expect((await server.call('GET', `/tickets/${ticket.id}`, admin.token)).body.status).to.equal('open');

    notice.querySelector<HTMLButtonElement>('.dismiss')!.click();
    await list.updateComplete;
    expect(list.shadowRoot!.querySelector('.notice')).to.equal(null);
  });

  it('sets the status of, and assigns, every selected ticket at once', async () => {
    const word = uniqueWord();
    const customer = await server.customer();
    const agent = await server.agent('Bea');
    const a = await openTicket(customer, `${word} a`);
    const b = await openTicket(customer, `${word} b`);
    const c = await openTicket(customer, `${word} c`);
    const { list } = await openConsole(agent.token, { search: `q=${word}` });
    await until(() => cards(list).length === 3, 'three tickets');
    const root = list.shadowRoot!;
    expect(root.querySelector('.bulk-apply')).to.equal(null);

    cardOf(list, `${word} a`).querySelector<HTMLInputElement>('.pick')!.click();
    cardOf(list, `${word} c`).querySelector<HTMLInputElement>('.pick')!.click();
    await list.updateComplete;
    expect(root.querySelector('.count')!.textContent).to.equal('2 selected');
    choose(root.querySelector('#bulk-status')!, 'waiting_on_customer');
    root.querySelector<HTMLButtonElement>('.bulk-apply')!.click();
    await list.updateComplete;
    expect(cardOf(list, `${word} a`).querySelector('.status')!.textContent).to.equal('Waiting on customer');
    expect(cardOf(list, `${word} b`).querySelector('.status')!.textContent).to.equal('Open');
    expect(cardOf(list, `${word} c`).querySelector('.status')!.textContent).to.equal('Waiting on customer');
    await until(async () => {
      const statuses = await Promise.all([a, b, c].map(async (t) => (await server.call('GET', `/tickets/${t.id}`, agent.token)).body.status));
      return statuses.join() === 'waiting_on_customer,open,waiting_on_customer';
    }, 'both saved, the third untouched');

    root.querySelector<HTMLInputElement>('.pick-all')!.click();
    await list.updateComplete;
    expect(root.querySelector('.count')!.textContent).to.equal('3 selected');
    root.querySelector<HTMLButtonElement>('.bulk-assign')!.click();
    await until(async () => {
      const assignees = await Promise.all([a, b, c].map(async (t) => (await server.call('GET', `/tickets/${t.id}`, agent.token)).body.assignee?.id));
      return assignees.every((id) => id === agent.id);
    }, 'all three assigned to the agent');
    await until(() => cards(list).every((card) => card.querySelector('.assignee')!.textContent === 'Bea'), 'the cards to say so');
    root.querySelector<HTMLButtonElement>('.bulk-clear')!.click();
    await list.updateComplete;
    expect(cards(list).some((card) => card.querySelector<HTMLInputElement>('.pick')!.checked)).to.equal(false);
  });

  it('marks a ticket unread when the customer writes, until the agent opens it', async () => {
    localStorage.clear();
    const word = uniqueWord();
    const customer = await server.customer();
    const agent = await server.agent();
    const ticket = await openTicket(customer, `${word} late parcel`);
    const { element, list } = await openConsole(agent.token, { search: `q=${word}` });
    await until(() => cards(list).length === 1, 'the ticket');
    expect(cardOf(list, `${word} late parcel`).classList.contains('unread')).to.equal(true);
    // What follows arrives live: only once the console is connected (a busy machine can be slow to).
    await until(() => workspaceOf(element)!.shadowRoot!.querySelector('.connection.live'), 'the live connection');
    cardOf(list, `${word} late parcel`).querySelector<HTMLButtonElement>('.open')!.click();
    await until(() => !cardOf(list, `${word} late parcel`).classList.contains('unread'), 'read once opened');
    expect(new URL(location.href).searchParams.get('ticket')).to.equal(ticket.id);

    // Another ticket is opened; then the customer writes again on the first.
    const other = await openTicket(customer, `${word} other`);
    await until(() => cards(list).length === 2, 'the second ticket, live');
    cardOf(list, `${word} other`).querySelector<HTMLButtonElement>('.open')!.click();
    await asAgent(customer.token, 'POST', `/tickets/${ticket.id}/messages`, { message: 'Any news?' });
    await until(() => cardOf(list, `${word} late parcel`).classList.contains('unread'), 'unread again');
    expect(cardOf(list, `${word} late parcel`).querySelector('.snippet')!.textContent).to.equal('Any news?');
    expect(cardOf(list, `${word} late parcel`).querySelector('.unread-badge')!.textContent).to.equal('Unread');
    void other;
  });
});
