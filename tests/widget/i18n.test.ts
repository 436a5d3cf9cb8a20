/**
 * Languages: English by default, German and Arabic by attribute or by the page's lang, and
 * Arabic right to left with the whole layout mirrored (launcher, header, messages).
 */
/// <reference types="mocha" />
import { expect, fixture, html } from '@open-wc/testing';
import type { TicketWidget } from '../../widget/ticket-widget.ts';
import { deep, deepAll, openTicket, server, until, viewReady } from './support/browser.ts';

describe('languages', () => {
  let url: string;
  before(async () => {
    ({ url } = await server.info());
  });
  beforeEach(() => localStorage.clear());

  it("speaks German with locale=\"de\", and follows the page's lang when no locale is given", async () => {
    const customer = await server.customer();
    await openTicket(customer, 'Rechnung fehlt');
    const widget = await fixture<TicketWidget>(html`<ticket-widget server=${url} token=${customer.token} locale="de"></ticket-widget>`);
    await widget.open();
    const list = await viewReady(widget, 'ticket-list');
    await until(() => deep(list, 'h3')?.textContent === 'Meine Tickets', 'German');
    await until(() => deep(list, '[part=status]'), 'the ticket');
    expect(deep(list, '[part=status]')!.textContent).to.equal('Offen');
    expect(deep(list, '[part=primary-button]')!.textContent).to.equal('Neues Ticket');
    expect(deep(widget, 'ticket-panel')!.getAttribute('lang')).to.equal('de');

    const page = await fixture<HTMLDivElement>(html`<div lang="de-AT"><ticket-widget server=${url} token=${customer.token}></ticket-widget></div>`);
    const byPage = page.querySelector('ticket-widget')!;
    await byPage.open();
    await until(() => deep(byPage, 'ticket-panel', 'ticket-list', 'h3')?.textContent === 'Meine Tickets', "the page's language");
  });

  it('renders Arabic right to left, mirrored', async () => {
    const customer = await server.customer();
    const agent = await server.agent('Ada');
    const ticket = await openTicket(customer, 'مشكلة في الدفع', 'لا يعمل الدفع.');
    await server.call('POST', `/tickets/${ticket.id}/messages`, agent.token, { message: 'سننظر في الأمر.' });
    const widget = await fixture<TicketWidget>(html`<ticket-widget server=${url} token=${customer.token} locale="ar"></ticket-widget>`);
    const launcher = deep(widget, '[part=launcher]')!;
    expect(launcher.getAttribute('aria-label')).to.match(/^الدعم/);
    // Mirrored: the launcher sits in the bottom-left corner.
    expect(launcher.getBoundingClientRect().left).to.be.lessThan(innerWidth / 2);

    await widget.open();
    const panel = deep(widget, 'ticket-panel')!;
    expect(panel.getAttribute('dir')).to.equal('rtl');
    expect(getComputedStyle(panel).direction).to.equal('rtl');
    expect(panel.getBoundingClientRect().left).to.be.lessThan(innerWidth / 2);
    const list = await viewReady(widget, 'ticket-list');
    await until(() => deep(list, 'h3')?.textContent === 'تذاكري', 'Arabic');
    // The heading starts on the right, the close button ends on the left.
    const header = deep(widget, 'ticket-panel', 'header')!.getBoundingClientRect();
    const title = deep(widget, 'ticket-panel', 'h2')!.getBoundingClientRect();
    const close = deep(widget, 'ticket-panel', '[part=close]')!.getBoundingClientRect();
    expect(header.right - title.right).to.be.lessThan(40);
    expect(close.left - header.left).to.be.lessThan(40);

    const item = await until(() => deep<HTMLButtonElement>(list, '.item'), 'the ticket');
    item.click();
    const thread = await viewReady(widget, 'ticket-thread');
    await until(() => deepAll(widget, ['ticket-panel', 'ticket-thread'], '.message').length === 2, 'the messages');
    const [mine, theirs] = deepAll(widget, ['ticket-panel', 'ticket-thread'], '.message');
    // The customer's own messages sit at the end side — the left in RTL; the team's on the right.
    expect(mine!.getBoundingClientRect().left).to.be.lessThan(theirs!.getBoundingClientRect().left);
    expect(deep(thread, '.back')!.textContent).to.equal('العودة إلى تذاكري');
    await expect(widget).to.be.accessible();
  });
});
