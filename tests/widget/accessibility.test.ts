/**
 * Everyone can use it: axe finds nothing in any view, a ticket can be opened with the keyboard
 * alone, focus goes where the customer expects, inputs are 16px, motion stops when asked, and
 * on a small screen the panel takes the whole screen.
 */
/// <reference types="mocha" />
import { expect, fixture, html } from '@open-wc/testing';
import { emulateMedia, sendKeys, setViewport } from '@web/test-runner-commands';
import type { TicketWidget } from '../../widget/ticket-widget.ts';
import { deep, deepActiveElement, nextEvent, openTicket, openWidget, server, until, viewReady } from './support/browser.ts';

describe('accessibility', () => {
  let url: string;
  before(async () => {
    ({ url } = await server.info());
    const admin = await server.agent('Admin', 'admin');
    await server.call('POST', '/templates', admin.token, {
      name: `Bug report ${Math.random().toString(36).slice(2, 7)}`,
      fields: [
        { key: 'browser', label: 'Browser', type: 'select', options: ['Chrome', 'Firefox', 'Safari'] },
        { key: 'contact_me', label: 'Call me back', type: 'checkbox' },
        { key: 'steps', label: 'Steps', type: 'textarea' },
      ],
    });
  });
  beforeEach(() => localStorage.clear());
  afterEach(async () => {
    await setViewport({ width: 800, height: 600 });
    await emulateMedia({ reducedMotion: 'no-preference' });
  });

  it('axe finds no violations in any view: launcher, list, new ticket, thread, guest start, signed out', async () => {
    const customer = await server.customer();
    const agent = await server.agent('Ada');
    const ticket = await openTicket(customer, 'Where is my parcel?', 'Ordered a week ago.');
    await server.call('POST', `/tickets/${ticket.id}/messages`, agent.token, { message: 'It left the warehouse today.' });
    await server.call('PATCH', `/tickets/${ticket.id}`, agent.token, { status: 'resolved' });

    const closed = await fixture<TicketWidget>(html`<ticket-widget server=${url} token=${customer.token}></ticket-widget>`);
    await until(() => closed.unreadCount === 1, 'the badge');
    await expect(closed).to.be.accessible();

    const widget = await openWidget(url, customer.token);
    const list = await viewReady(widget, 'ticket-list');
    await until(() => deep(list, '.item'), 'the list');
    await expect(widget).to.be.accessible();

    deep<HTMLButtonElement>(list, '.item')!.click();
    const thread = await viewReady(widget, 'ticket-thread');
    await until(() => thread.shadowRoot!.querySelectorAll('.message').length === 2 && deep(thread, '[part=banner]'), 'the thread');
    await expect(widget).to.be.accessible();

    deep<HTMLButtonElement>(thread, '.back')!.click();
    await viewReady(widget, 'ticket-list');
    deep<HTMLButtonElement>(widget, 'ticket-panel', 'ticket-list', '[part=primary-button]')!.click();
    const form = await viewReady(widget, 'ticket-new');
    const picker = await until(() => deep<HTMLSelectElement>(form, '#template'), 'the templates');
    picker.value = picker.options[1]!.value;
    picker.dispatchEvent(new Event('change'));
    deep<HTMLButtonElement>(form, '[type=submit]')!.click();
    await until(() => deep(form, '.error'), 'the errors');
    await expect(widget).to.be.accessible();

    const guest = await fixture<TicketWidget>(html`<ticket-widget server=${url} guest mode="inline"></ticket-widget>`);
    await viewReady(guest, 'ticket-guest');
    await expect(guest).to.be.accessible();

    const signedOut = await fixture<TicketWidget>(html`<ticket-widget server=${url} mode="inline"></ticket-widget>`);
    await until(() => deep(signedOut, 'ticket-panel')?.shadowRoot?.textContent?.includes('Sign in'), 'the signed-out note');
    await expect(signedOut).to.be.accessible();
  });

  it('opens a ticket with the keyboard alone', async function () {
    this.timeout(40_000);
    const customer = await server.customer();
    const widget = await fixture<TicketWidget>(html`<ticket-widget server=${url} token=${customer.token}></ticket-widget>`);
    const focused = () => deepActiveElement();
    /** Presses Tab until `test` holds for the focused element (at most 25 times). */
    const tabTo = async (what: string, test: (el: Element | null) => boolean) => {
      for (let i = 0; i < 25 && !test(focused()); i += 1) await sendKeys({ press: 'Tab' });
      if (!test(focused())) throw new Error(`Tab never reached ${what}`);
    };
    await tabTo('the launcher', (el) => el?.getAttribute('part') === 'launcher');
    await sendKeys({ press: 'Enter' });
    await until(() => focused()?.tagName === 'H3', 'focus on the list heading');
    await tabTo('"New ticket"', (el) => el?.textContent === 'New ticket');
    await sendKeys({ press: 'Enter' });
    await until(() => focused()?.tagName === 'H3' && focused()!.textContent === 'New ticket', 'focus on the form heading');
    await tabTo('the subject', (el) => el?.id === 'title');
    await sendKeys({ type: 'Keyboard only' });
    await sendKeys({ press: 'Tab' });
    expect(focused()?.id).to.equal('description');
    await sendKeys({ type: 'I never touched a mouse.' });
    await tabTo('"Send ticket"', (el) => el?.textContent === 'Send ticket');
    const created = nextEvent(widget, 'ticket-created');
    await sendKeys({ press: 'Enter' });
    expect((await created).ticket.title).to.equal('Keyboard only');
    await until(() => focused()?.tagName === 'H3' && focused()!.textContent === 'Keyboard only', 'focus on the new thread');
    await tabTo('the reply box', (el) => el?.id === 'reply');
    await sendKeys({ press: 'Escape' });
    await until(() => focused()?.getAttribute('part') === 'launcher', 'focus back on the launcher');
  });

  it('uses 16px inputs, stops motion when asked, and takes the whole screen on a phone', async () => {
    const customer = await server.customer();
    const widget = await openWidget(url, customer.token);
    deep<HTMLButtonElement>(widget, 'ticket-panel', 'ticket-list', '[part=primary-button]')!.click();
    const form = await viewReady(widget, 'ticket-new');
    for (const control of form.shadowRoot!.querySelectorAll('input, textarea, select')) {
      if ((control as HTMLInputElement).type === 'file' || (control as HTMLInputElement).type === 'checkbox') continue;
      expect(getComputedStyle(control).fontSize, control.id).to.equal('16px');
    }
    const launcher = deep(widget, '[part=launcher]')!;
    expect(getComputedStyle(launcher).transitionDuration).to.not.equal('0s');
    await emulateMedia({ reducedMotion: 'reduce' });
    expect(getComputedStyle(launcher).transitionDuration).to.equal('0s');

    await setViewport({ width: 360, height: 640 });
    const panel = deep(widget, 'ticket-panel')!.getBoundingClientRect();
    expect([panel.x, panel.y, panel.width, panel.height]).to.deep.equal([0, 0, 360, 640]);
  });
});
