/**
 * A thread against the real server: both sides of the conversation, the status banner, a reply
 * sent from the composer, and the team's reply arriving live (shown, announced, and fired as
 * message-received), with the connection state visible.
 */
/// <reference types="mocha" />
import { expect } from '@open-wc/testing';
import { executeServerCommand, sendKeys } from '@web/test-runner-commands';
import type { TicketWidget } from '../../widget/ticket-widget.ts';
import { deep, deepAll, nextEvent, openTicket, openWidget, server, until, viewReady } from './support/browser.ts';

async function openThread(widget: TicketWidget, title: string) {
  const list = await viewReady(widget, 'ticket-list');
  const item = await until(() => [...list.shadowRoot!.querySelectorAll<HTMLButtonElement>('.item')].find((b) => b.querySelector('.title')!.textContent === title), `"${title}" in the list`);
  item.click();
  const thread = await viewReady(widget, 'ticket-thread');
  await until(() => thread.shadowRoot!.querySelector('h3')?.textContent === title && thread.shadowRoot!.querySelector('.message'), 'the thread');
  return thread;
}

const connectionText = (widget: TicketWidget) => deep(widget, 'ticket-panel', '[part=connection]')?.textContent?.trim();

describe('<ticket-thread>', () => {
  let url: string;
  before(async () => {
    ({ url } = await server.info());
  });
  beforeEach(() => localStorage.clear());

  it("shows both sides, sends a reply, and shows the team's reply live — announced and fired as message-received", async () => {
    const customer = await server.customer('Carla');
    const agent = await server.agent('Ada');
    const ticket = await openTicket(customer, 'Password reset mail never arrives', 'Checked spam too.');
    await server.call('POST', `/tickets/${ticket.id}/messages`, agent.token, { message: 'Which address do you use?' });
    const widget = await openWidget(url, customer.token);
    await until(() => connectionText(widget) === 'Live', 'the live connection');
    const thread = await openThread(widget, 'Password reset mail never arrives');
    await until(() => deepAll(widget, ['ticket-panel', 'ticket-thread'], '.message').length === 2, 'two messages');
    const [first, second] = deepAll(widget, ['ticket-panel', 'ticket-thread'], '.message');
    expect(first!.classList.contains('customer')).to.equal(true);
    expect(first!.querySelector('.sender')!.textContent).to.equal('You');
    expect(second!.classList.contains('team')).to.equal(true);
    expect(second!.querySelector('.sender')!.textContent).to.equal('Ada');
    expect(second!.querySelector('.text')!.textContent).to.equal('Which address do you use?');

    // Typing and Ctrl+Enter sends.
    thread.shadowRoot!.querySelector('textarea')!.focus();
    await sendKeys({ type: 'carla@example.com' });
    await sendKeys({ down: 'Control' });
    await sendKeys({ press: 'Enter' });
    await sendKeys({ up: 'Control' });
    await until(async () => (await server.call('GET', `/tickets/${ticket.id}/messages`, customer.token)).body.items.length === 3, 'the reply on the server');
    await until(() => thread.shadowRoot!.querySelectorAll('.message:not(.pending)').length === 3 && !thread.shadowRoot!.querySelector('.pending'), 'the reply in the thread');
    expect(thread.shadowRoot!.querySelector('textarea')!.value).to.equal('');

    const received = nextEvent(widget, 'message-received');
    await server.call('POST', `/tickets/${ticket.id}/messages`, agent.token, { message: 'Thanks, resent it now.' });
    const { message } = await received;
    expect(message.message).to.equal('Thanks, resent it now.');
    expect(message.sender.fromTeam).to.equal(true);
    await until(() => thread.shadowRoot!.querySelectorAll('.message').length === 4, 'the live reply');
    const live = thread.shadowRoot!.querySelector('[aria-live=polite]')!;
    expect(live.textContent).to.equal('New reply from Ada: Thanks, resent it now.');
    // On screen: not unread.
    expect(widget.unreadCount).to.equal(0);
    await expect(thread).to.be.accessible();
  });

  it("shows a reply once when its live event arrives before the server's answer to the send", async function () {
    this.timeout(30_000);
    const customer = await server.customer('Iris');
    const ticket = await openTicket(customer, 'Invoice PDF is blank');
    const widget = await openWidget(url, customer.token);
    await until(() => connectionText(widget) === 'Live', 'the live connection');
    const thread = await openThread(widget, 'Invoice PDF is blank');
    const copies = () => [...thread.shadowRoot!.querySelectorAll('.message .text')].filter((el) => el.textContent === 'Blank in Firefox only').length;
    const outbox = (thread as unknown as { session: { outbox: { replies: { key: string }[] } } }).session.outbox;

    // The server stores the reply, and so sends it live, but its answer to the POST waits.
    await executeServerCommand('api:hold-answers', { count: 1 });
    try {
      thread.shadowRoot!.querySelector('textarea')!.focus();
      await sendKeys({ type: 'Blank in Firefox only' });
      thread.shadowRoot!.querySelector<HTMLButtonElement>('[type=submit]')!.click();
      const key = (await until(() => outbox.replies[0], 'the reply in the outbox')).key;
      await until(() => [...thread.shadowRoot!.querySelectorAll('.message:not(.pending) .text')].some((el) => el.textContent === 'Blank in Firefox only'), 'the reply, arrived live');
      // Its answer has not come yet: the reply is still in the outbox, and shown once.
      expect(outbox.replies.map((reply) => reply.key), 'the outbox while the answer is held').to.deep.equal([key]);
      expect(copies(), 'copies while the answer is held').to.equal(1);
      expect(thread.shadowRoot!.querySelector('.pending'), 'the sending copy, hidden').to.equal(null);
      // The message is the one the widget sent: its id is the reply's key.
      const { body } = await server.call('GET', `/tickets/${ticket.id}/messages`, customer.token);
      expect(body.items.map((m: { id: string; message: string }) => [m.id, m.message]).slice(1)).to.deep.equal([[key, 'Blank in Firefox only']]);
    } finally {
      await executeServerCommand('api:release-answers');
    }
    await until(() => outbox.replies.length === 0, 'the outbox to empty');
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(copies(), 'copies once answered').to.equal(1);
    expect(thread.shadowRoot!.querySelectorAll('.message')).to.have.length(2);
  });

  it('says what a resolved ticket means, and a reply reopens it (the status follows live)', async () => {
    const customer = await server.customer();
    const agent = await server.agent();
    const ticket = await openTicket(customer, 'Dark mode please');
    await server.call('PATCH', `/tickets/${ticket.id}`, agent.token, { status: 'resolved' });
    const widget = await openWidget(url, customer.token);
    const thread = await openThread(widget, 'Dark mode please');
    await until(() => thread.shadowRoot!.querySelector('[part=banner]'), 'the banner');
    expect(thread.shadowRoot!.querySelector('[part=banner]')!.textContent).to.equal('This ticket is resolved — reply to reopen it.');
    expect(thread.shadowRoot!.querySelector('[part=status]')!.textContent).to.equal('Resolved');
    await until(() => connectionText(widget) === 'Live', 'the live connection');

    const textarea = thread.shadowRoot!.querySelector('textarea')!;
    textarea.focus();
    await sendKeys({ type: 'Still missing on mobile' });
    thread.shadowRoot!.querySelector<HTMLButtonElement>('[type=submit]')!.click();
    await until(() => thread.shadowRoot!.querySelector('[part=status]')!.textContent === 'Open', 'the status to go back to open');
    expect(thread.shadowRoot!.querySelector('[part=banner]')).to.equal(null);
  });

  it('has no composer on a closed ticket, and says why', async () => {
    const customer = await server.customer();
    const ticket = await openTicket(customer, 'Old question');
    await server.call('PATCH', `/tickets/${ticket.id}`, customer.token, { status: 'closed' });
    const widget = await openWidget(url, customer.token);
    const thread = await openThread(widget, 'Old question');
    await until(() => thread.shadowRoot!.querySelector('[part=banner]'), 'the banner');
    expect(thread.shadowRoot!.querySelector('[part=banner]')!.textContent).to.include('This ticket is closed.');
    expect(thread.shadowRoot!.querySelector('[part=composer]')).to.equal(null);
  });

  it('shows the connection state, and after the server comes back resumes from the last event: a reply sent meanwhile appears', async function () {
    this.timeout(40_000);
    const customer = await server.customer();
    const agent = await server.agent('Ada');
    const ticket = await openTicket(customer, 'Webhooks stopped');
    const widget = await openWidget(url, customer.token);
    await until(() => connectionText(widget) === 'Live', 'the live connection');
    const thread = await openThread(widget, 'Webhooks stopped');
    await server.stop();
    try {
      await until(() => connectionText(widget) === 'Reconnecting…', 'the reconnecting state');
      // Written while the widget cannot hear about it (the database is up; the socket is not).
      await server.call('POST', `/tickets/${ticket.id}/messages`, agent.token, { message: 'Restarted the queue.' });
    } finally {
      await server.start();
    }
    await until(() => connectionText(widget) === 'Live', 'live again', 30_000);
    await until(() => [...thread.shadowRoot!.querySelectorAll('.message .text')].some((el) => el.textContent === 'Restarted the queue.'), 'the missed reply, replayed');
    expect(thread.shadowRoot!.querySelectorAll('.message')).to.have.length(2);
  });
});
