/**
 * The new-ticket form against the real server: templates and their fields, checks as the
 * customer goes, the server's objections next to the field they concern or in words, and the
 * ticket-created event with the thread shown after.
 */
/// <reference types="mocha" />
import { expect } from '@open-wc/testing';
import { deep, fill, nextEvent, openWidget, server, until, viewReady } from './support/browser.ts';
import type { TicketNew } from '../../widget/views/ticket-new.ts';

async function newTicketForm(url: string, token: string) {
  const widget = await openWidget(url, token);
  deep<HTMLButtonElement>(widget, 'ticket-panel', 'ticket-list', '[part=primary-button]')!.click();
  const form = await viewReady<TicketNew>(widget, 'ticket-new');
  return { widget, form, $: <T extends Element = HTMLInputElement>(selector: string) => form.shadowRoot!.querySelector<T>(selector)! };
}

describe('<ticket-new>', () => {
  let url: string;
  let templateName: string;
  before(async () => {
    ({ url } = await server.info());
    const admin = await server.agent('Admin', 'admin');
    templateName = `Billing ${Math.random().toString(36).slice(2, 7)}`;
    const { status } = await server.call('POST', '/templates', admin.token, {
      name: templateName,
      description: 'Charges, refunds and invoices',
      fields: [
        { key: 'order_id', label: 'Order number', type: 'text', required: true },
        { key: 'website', label: 'Shop website', type: 'url' },
        { key: 'plan', label: 'Plan', type: 'select', options: ['Free', 'Pro'], required: true },
        { key: 'urgent', label: 'Blocking my work', type: 'checkbox' },
      ],
    });
    expect(status).to.equal(201);
  });

  it('checks fields as the customer leaves them and on sending, with the first problem focused', async () => {
    const customer = await server.customer();
    const { form, $ } = await newTicketForm(url, customer.token);
    const title = $('#title');
    title.focus();
    title.blur();
    await form.updateComplete;
    expect(title.getAttribute('aria-invalid')).to.equal('true');
    expect($('#title-error').textContent).to.equal('Please fill this in.');
    expect(title.getAttribute('aria-describedby')).to.equal('title-error');

    $<HTMLButtonElement>('[type=submit]').click();
    await form.updateComplete;
    expect($('#description-error').textContent).to.equal('Please fill this in.');
    expect(form.shadowRoot!.activeElement).to.equal(title);

    fill(title, 'x'.repeat(201));
    title.blur();
    await form.updateComplete;
    expect($('#title-error').textContent).to.equal('Please keep this under 200 characters.');
    await expect(form).to.be.accessible();
  });

  it("shows a template's fields and sends their values; the server's objection lands on its field", async () => {
    const customer = await server.customer();
    const { widget, form, $ } = await newTicketForm(url, customer.token);
    await until(() => form.shadowRoot!.querySelector('#template'), 'the template picker');
    const picker = $<HTMLSelectElement>('#template');
    const option = [...picker.options].find((o) => o.textContent === templateName)!;
    fill(picker, option.value);
    await form.updateComplete;
    expect(form.shadowRoot!.textContent).to.include('Charges, refunds and invoices');
    expect($('label[for="fields.order_id"]').textContent).to.include('Order number');

    fill($('#title'), 'Charged twice');
    fill($<HTMLTextAreaElement>('#description'), 'My card was charged twice for one order.');
    $<HTMLButtonElement>('[type=submit]').click();
    await form.updateComplete;
    expect($('[id="fields.order_id-error"]').textContent).to.equal('Please fill this in.');
    expect($('[id="fields.plan-error"]').textContent).to.equal('Please fill this in.');

    fill($('[id="fields.order_id"]'), 'A-1234');
    fill($<HTMLSelectElement>('[id="fields.plan"]'), 'Pro');
    // The browser accepts any URL; the server wants http(s).
    fill($('[id="fields.website"]'), 'ftp://shop.example.com');
    $<HTMLButtonElement>('[type=submit]').click();
    await until(() => form.shadowRoot!.querySelector('[id="fields.website-error"]'), "the server's objection");
    expect($('[id="fields.website"]').getAttribute('aria-invalid')).to.equal('true');
    expect($('.form-error').textContent).to.include('Some fields need your attention.');
    await until(() => form.shadowRoot!.activeElement === $('[id="fields.website"]'), 'focus on the field the server objected to');

    fill($('[id="fields.website"]'), 'https://shop.example.com');
    $<HTMLInputElement>('[id="fields.urgent"]').click();
    const created = nextEvent(widget, 'ticket-created');
    $<HTMLButtonElement>('[type=submit]').click();
    const { ticket } = await created;
    expect(ticket.title).to.equal('Charged twice');
    expect(ticket.metadata).to.deep.include({ order_id: 'A-1234', plan: 'Pro', website: 'https://shop.example.com', urgent: true });

    const thread = await viewReady(widget, 'ticket-thread');
    await until(() => thread.shadowRoot!.querySelector('.message .text')?.textContent === 'My card was charged twice for one order.', 'the opening message');
  });

  it('explains in words when the server cannot be reached, and keeps what was typed', async () => {
    const customer = await server.customer();
    const { form, $ } = await newTicketForm(url, customer.token);
    fill($('#title'), 'Cannot export');
    fill($<HTMLTextAreaElement>('#description'), 'The export button spins.');
    await server.stop();
    try {
      $<HTMLButtonElement>('[type=submit]').click();
      await until(() => form.shadowRoot!.querySelector('.form-error'), 'the form error');
      expect($('.form-error').textContent).to.include('We cannot reach support right now.');
      expect($('.form-error').getAttribute('role')).to.equal('alert');
      expect($('#title').value).to.equal('Cannot export');
    } finally {
      await server.start();
    }
    // The same content again: it goes through (with the same Idempotency-Key).
    $<HTMLButtonElement>('[type=submit]').click();
    const widget = form.getRootNode() as ShadowRoot;
    await until(() => (widget.host as HTMLElement).shadowRoot!.querySelector('ticket-thread'), 'the new thread');
    const { body } = await server.call('GET', '/tickets', customer.token);
    expect(body.items.map((t: { title: string }) => t.title)).to.deep.equal(['Cannot export']);
  });
});
