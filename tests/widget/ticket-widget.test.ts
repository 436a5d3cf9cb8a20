/**
 * <ticket-widget>, the first script: the launcher and its unread badge before anything else
 * loads, loading the panel on intent, the JS API (open, close, newTicket), its events, identity
 * changes without a reload, and nothing written to storage before the customer interacts.
 */
/// <reference types="mocha" />
import { expect, fixture, html } from '@open-wc/testing';
import { sendKeys, sendMouse } from '@web/test-runner-commands';
import type { TicketWidget } from '../../widget/ticket-widget.ts';
import '../../widget/ticket-widget.ts';
import { deep, nextEvent, openTicket, server, until, view, viewReady } from './support/browser.ts';

describe('<ticket-widget>', () => {
  let url: string;
  before(async () => {
    ({ url } = await server.info());
  });
  beforeEach(() => localStorage.clear());

  it('draws a launcher, and loads the panel only when the customer shows intent', async () => {
    const customer = await server.customer();
    const widget = await fixture<TicketWidget>(html`<ticket-widget server=${url} token=${customer.token}></ticket-widget>`);
    const launcher = deep<HTMLButtonElement>(widget, '[part=launcher]')!;
    expect(launcher).to.exist;
    expect(launcher.getAttribute('aria-expanded')).to.equal('false');
    expect(deep(widget, 'ticket-panel')).to.equal(null);
    launcher.dispatchEvent(new PointerEvent('pointerenter'));
    await until(() => deep(widget, 'ticket-panel'), 'the panel to load on hover');
    expect(deep<HTMLElement>(widget, 'ticket-panel')!.hidden).to.equal(true);
    launcher.click();
    await until(() => !deep<HTMLElement>(widget, 'ticket-panel')!.hidden, 'the panel to open');
    expect(launcher.getAttribute('aria-expanded')).to.equal('true');
    expect(widget.hasAttribute('open')).to.equal(true);
  });

  it('shows the unread badge from one request before the panel loads, and fires unread-changed', async () => {
    const customer = await server.customer();
    const agent = await server.agent('Ada');
    const ticket = await openTicket(customer, 'Printer on fire');
    await server.call('POST', `/tickets/${ticket.id}/messages`, agent.token, { message: 'Have you tried water?' });
    const widget = document.createElement('ticket-widget');
    widget.server = url;
    widget.token = customer.token;
    const changed = nextEvent(widget, 'unread-changed');
    document.body.append(widget);
    try {
      expect((await changed).count).to.equal(1);
      const badge = deep<HTMLElement>(widget, '[part=badge]')!;
      expect(badge.hidden).to.equal(false);
      expect(badge.textContent).to.equal('1');
      expect(deep(widget, '[part=launcher]')!.getAttribute('aria-label')).to.equal('Support, 1 unread');
      expect(deep(widget, 'ticket-panel')).to.equal(null);
    } finally {
      widget.remove();
    }
  });

  it('open(), close() and newTicket() drive the panel; Escape closes it and gives focus back to the launcher', async () => {
    const customer = await server.customer();
    const widget = await fixture<TicketWidget>(html`<ticket-widget server=${url} token=${customer.token}></ticket-widget>`);
    await widget.open();
    await viewReady(widget, 'ticket-list');
    expect(deep<HTMLElement>(widget, 'ticket-panel')!.hidden).to.equal(false);
    widget.close();
    expect(deep<HTMLElement>(widget, 'ticket-panel')!.hidden).to.equal(true);

    await widget.newTicket({ title: 'Refund for order 1234', description: 'Charged twice.' });
    const form = await viewReady(widget, 'ticket-new');
    expect(deep<HTMLInputElement>(form, '#title')!.value).to.equal('Refund for order 1234');
    expect(deep<HTMLTextAreaElement>(form, '#description')!.value).to.equal('Charged twice.');
    await until(() => form.shadowRoot!.activeElement?.tagName === 'H3', 'focus on the form heading');

    deep<HTMLInputElement>(form, '#title')!.focus();
    await sendKeys({ press: 'Escape' });
    await until(() => !widget.hasAttribute('open'), 'Escape to close the panel');
    expect(widget.shadowRoot!.activeElement).to.equal(deep(widget, '[part=launcher]'));
  });

  it('writes nothing to storage before the customer interacts, and sets no cookie', async () => {
    const customer = await server.customer();
    const agent = await server.agent();
    const ticket = await openTicket(customer, 'Quiet page');
    await server.call('POST', `/tickets/${ticket.id}/messages`, agent.token, { message: 'A reply' });
    const cookies = document.cookie;
    const widget = await fixture<TicketWidget>(html`<ticket-widget server=${url} token=${customer.token}></ticket-widget>`);
    await widget.open();
    const list = await viewReady(widget, 'ticket-list');
    await until(() => deep(list, '.item'), 'the ticket in the list');
    // Opening the thread by script is not the customer interacting.
    deep<HTMLButtonElement>(list, '.item')!.click();
    await viewReady(widget, 'ticket-thread');
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(localStorage.length, 'localStorage').to.equal(0);
    expect(sessionStorage.length, 'sessionStorage').to.equal(0);
    expect(document.cookie).to.equal(cookies);

    // A real click is: what was held in memory (the reply seen) is written now.
    const back = deep<HTMLButtonElement>(widget, 'ticket-panel', 'ticket-thread', '.back')!;
    const box = back.getBoundingClientRect();
    await sendMouse({ type: 'click', position: [Math.round(box.x + box.width / 2), Math.round(box.y + box.height / 2)] });
    await until(() => localStorage.length > 0, 'storage after a real click');
    expect(Object.keys(localStorage).every((key) => key.startsWith('ticket-widget:v1:'))).to.equal(true);
  });

  it('starts a guest session from an email in guest mode, then shows the guest their tickets', async () => {
    const widget = await fixture<TicketWidget>(html`<ticket-widget server=${url} guest mode="inline"></ticket-widget>`);
    const start = await viewReady(widget, 'ticket-guest');
    const email = deep<HTMLInputElement>(start, '#email')!;
    email.value = 'not an email';
    deep<HTMLButtonElement>(start, '[type=submit]')!.click();
    await start.updateComplete;
    expect(deep(start, '#email-error')!.textContent).to.equal('Please enter an email address like name@example.com.');
    expect(email.getAttribute('aria-invalid')).to.equal('true');
    email.value = 'guest@example.com';
    deep<HTMLButtonElement>(start, '[type=submit]')!.click();
    const list = await viewReady(widget, 'ticket-list');
    await until(() => list.shadowRoot!.textContent!.includes('You have no tickets yet'), 'the empty list');
  });

  it('asks the tokenProvider again when the token is about to expire', async () => {
    const first = await server.customer('Fay', 62);
    await openTicket(first, 'Short-lived tokens');
    const calls: number[] = [];
    const widget = document.createElement('ticket-widget');
    widget.server = url;
    widget.tokenProvider = async () => {
      calls.push(Date.now());
      // A minute and two seconds: inside the one-minute margin two seconds from now.
      return (await server.customer('Fay', 62, first.id)).token;
    };
    document.body.append(widget);
    try {
      await widget.open();
      const list = await viewReady(widget, 'ticket-list');
      await until(() => deep(list, '.item'), 'the list');
      const before = calls.length;
      await new Promise((resolve) => setTimeout(resolve, 2500));
      deep<HTMLButtonElement>(list, '[part=primary-button]')!.click();
      await viewReady(widget, 'ticket-new');
      await until(() => calls.length > before, 'another call to the provider');
    } finally {
      widget.remove();
    }
  });

  it('follows the host page when the customer signs out, or another signs in, without a reload', async () => {
    const ana = await server.customer('Ana');
    const ben = await server.customer('Ben');
    await openTicket(ana, "Ana's ticket");
    await openTicket(ben, "Ben's ticket");
    const widget = await fixture<TicketWidget>(html`<ticket-widget server=${url} token=${ana.token}></ticket-widget>`);
    await widget.open();
    const titles = () => [...(view(widget, 'ticket-list')?.shadowRoot?.querySelectorAll('.title') ?? [])].map((el) => el.textContent);
    await until(() => titles().includes("Ana's ticket"), "Ana's ticket");

    widget.token = null;
    await until(() => deep(widget, 'ticket-panel')?.shadowRoot?.textContent?.includes('Sign in to see your support tickets'), 'the signed-out note');
    expect(view(widget, 'ticket-list')).to.equal(null);

    let calls = 0;
    widget.tokenProvider = async () => {
      calls += 1;
      return ben.token;
    };
    await until(() => titles().includes("Ben's ticket"), "Ben's ticket");
    expect(titles()).to.not.include("Ana's ticket");
    expect(calls).to.be.greaterThan(0);
  });
});
