/** My tickets: status, last message, unread replies, opening a thread, more pages, and no axe violations. */
/// <reference types="mocha" />
import { expect } from '@open-wc/testing';
import { deep, deepAll, openTicket, openWidget, server, until, viewReady } from './support/browser.ts';

describe('<ticket-list>', () => {
  let url: string;
  before(async () => {
    ({ url } = await server.info());
  });
  beforeEach(() => localStorage.clear());

  it('says so when the customer has no tickets yet', async () => {
    const customer = await server.customer();
    const widget = await openWidget(url, customer.token);
    const list = await viewReady(widget, 'ticket-list');
    await until(() => list.shadowRoot!.textContent!.includes('You have no tickets yet'), 'the empty state');
    await expect(list).to.be.accessible();
  });

  it('lists tickets with status, last message and which have unread replies; a ticket opens its thread', async () => {
    const customer = await server.customer();
    const agent = await server.agent('Ada');
    const quiet = await openTicket(customer, 'Invoice address', 'Please change it.');
    const answered = await openTicket(customer, 'Login fails', 'Error 500 after sign-in.');
    await server.call('POST', `/tickets/${answered.id}/messages`, agent.token, { message: 'Fixed it, please try again.' });
    await server.call('PATCH', `/tickets/${answered.id}`, agent.token, { status: 'waiting_on_customer' });
    const widget = await openWidget(url, customer.token);
    const list = await viewReady(widget, 'ticket-list');
    await until(() => deepAll(widget, ['ticket-panel', 'ticket-list'], '.item').length === 2, 'two tickets');

    const items = deepAll(widget, ['ticket-panel', 'ticket-list'], '.item');
    // Most recently active first.
    expect(items[0]!.querySelector('.title')!.textContent).to.equal('Login fails');
    expect(items[0]!.querySelector('[part=status]')!.textContent).to.equal('Waiting for you');
    expect(items[0]!.querySelector('.preview')!.textContent).to.equal('Support: Fixed it, please try again.');
    expect(items[0]!.classList.contains('unread')).to.equal(true);
    expect(items[0]!.textContent).to.include('New reply');
    expect(items[1]!.querySelector('.title')!.textContent).to.equal('Invoice address');
    expect(items[1]!.querySelector('[part=status]')!.textContent).to.equal('Open');
    expect(items[1]!.querySelector('.preview')!.textContent).to.equal('You: Please change it.');
    expect(items[1]!.classList.contains('unread')).to.equal(false);
    expect(widget.unreadCount).to.equal(1);
    await expect(list).to.be.accessible();

    (items[0] as HTMLButtonElement).click();
    const thread = await viewReady(widget, 'ticket-thread');
    await until(() => deep(thread, 'h3')?.textContent === 'Login fails', 'the thread');
    // Seen now: the badge goes down.
    await until(() => widget.unreadCount === 0, 'the unread count to drop');
    void quiet;
  });

  it('loads more tickets page by page', async () => {
    const customer = await server.customer();
    for (let i = 0; i < 27; i += 1) await openTicket(customer, `Ticket ${i}`);
    const widget = await openWidget(url, customer.token);
    await until(() => deepAll(widget, ['ticket-panel', 'ticket-list'], '.item').length === 25, 'the first page');
    deep<HTMLButtonElement>(widget, 'ticket-panel', 'ticket-list', '.more')!.click();
    await until(() => deepAll(widget, ['ticket-panel', 'ticket-list'], '.item').length === 27, 'the second page');
    expect(deep(widget, 'ticket-panel', 'ticket-list', '.more')).to.equal(null);
  });
});
