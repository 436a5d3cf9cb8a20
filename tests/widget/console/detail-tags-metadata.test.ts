/**
 * Tags and metadata in the detail pane against the real server: add from the catalogue (with its
 * colour), remove, create a tag with a colour and apply it, a taken name refused; typed inputs for
 * the template's fields, checked before anything is sent, a server refusal beside its key, JSON for
 * free keys; changes others make arrive live; axe with errors showing.
 */
/// <reference types="mocha" />
import { expect } from '@open-wc/testing';
import type { ConsoleMetadataEditor } from '../../../widget/console/detail/detail-metadata.ts';
import type { ConsoleTicketTags } from '../../../widget/console/detail/detail-tags.ts';
import { clickWhenEnabled, fill, liveFeed, mountDetail, server, ticketOf, until } from '../support/detail-browser.ts';

const word = () => Math.random().toString(36).slice(2, 8);
const tagsOf = (detail: HTMLElement) => detail.shadowRoot!.querySelector<ConsoleTicketTags>('console-ticket-tags')!;
const chips = (detail: HTMLElement) => [...tagsOf(detail).shadowRoot!.querySelectorAll<HTMLElement>('.chip')].map((chip) => chip.dataset.tag);
const editorOf = (detail: HTMLElement) => detail.shadowRoot!.querySelector<ConsoleMetadataEditor>('console-metadata-editor')!;
const inEditor = <T extends Element = HTMLInputElement>(detail: HTMLElement, selector: string) => editorOf(detail).shadowRoot!.querySelector<T>(selector)!;
const metadataOf = async (token: string, id: string) => (await ticketOf(token, id)).metadata as Record<string, unknown>;

describe('<console-ticket-detail> tags', () => {
  it('adds a tag from the catalogue, removes it, and creates a coloured tag and applies it', async () => {
    const customer = await server.customer();
    const agent = await server.agent('Ada');
    const billing = (await server.call('POST', '/tags', agent.token, { name: `billing-${word()}`, color: '#d97706' })).body;
    const { body: ticket } = await server.call('POST', '/tickets', customer.token, { title: 'Charged twice', description: 'Two charges.' });
    const detail = await mountDetail(agent, ticket.id);
    const tags = tagsOf(detail);

    fill(tags.shadowRoot!.querySelector<HTMLSelectElement>('#tag-choice')!, billing.id);
    tags.shadowRoot!.querySelector<HTMLButtonElement>('form button[type=submit]')!.click();
    await until(() => chips(detail).includes(billing.name), 'the chip');
    const swatch = tags.shadowRoot!.querySelector<HTMLElement>(`.chip[data-tag="${billing.name}"] .swatch`)!;
    expect(getComputedStyle(swatch).backgroundColor).to.equal('rgb(217, 119, 6)');
    expect((await ticketOf(agent.token, ticket.id)).tags.map((t: { id: string }) => t.id)).to.deep.equal([billing.id]);

    tags.shadowRoot!.querySelector<HTMLButtonElement>(`button[aria-label="Remove tag ${billing.name}"]`)!.click();
    await until(() => chips(detail).length === 0, 'the chip removed');
    expect((await ticketOf(agent.token, ticket.id)).tags).to.deep.equal([]);

    const name = `vip-${word()}`;
    tags.shadowRoot!.querySelector('details')!.open = true;
    fill(tags.shadowRoot!.querySelector<HTMLInputElement>('#new-tag-name')!, name);
    fill(tags.shadowRoot!.querySelector<HTMLInputElement>('#new-tag-color')!, '#7c3aed');
    tags.shadowRoot!.querySelector<HTMLButtonElement>('details button[type=submit]')!.click();
    await until(() => chips(detail).includes(name), 'the new tag on the ticket');
    const catalogue = (await server.call('GET', '/tags', agent.token)).body.items as { name: string; color: string }[];
    expect(catalogue.find((tag) => tag.name === name)?.color).to.equal('#7c3aed');
    expect((await ticketOf(agent.token, ticket.id)).tags.map((t: { name: string }) => t.name)).to.deep.equal([name]);

    // The same name again: the server's refusal, in words.
    tags.shadowRoot!.querySelector('details')!.open = true;
    fill(tags.shadowRoot!.querySelector<HTMLInputElement>('#new-tag-name')!, name);
    tags.shadowRoot!.querySelector<HTMLButtonElement>('details button[type=submit]')!.click();
    const error = await until(() => tags.shadowRoot!.querySelector('#new-tag-error'), 'the refusal');
    expect(error.textContent).to.contain(`A tag named "${name}" already exists.`);
    expect(tags.shadowRoot!.querySelector('#new-tag-name')!.getAttribute('aria-invalid')).to.equal('true');
  });

  it("shows tags someone else adds and removes, live", async () => {
    const customer = await server.customer();
    const agent = await server.agent('Ada');
    const other = await server.agent('Alex');
    const fresh = (await server.call('POST', '/tags', other.token, { name: `fresh-${word()}`, color: '#0f766e' })).body;
    const { body: ticket } = await server.call('POST', '/tickets', customer.token, { title: 'Live tags', description: 'x' });
    const detail = await mountDetail(agent, ticket.id);
    const live = await liveFeed(agent.token, detail);
    try {
      await server.call('PUT', `/tickets/${ticket.id}/tags/${fresh.id}`, other.token);
      await until(() => chips(detail).includes(fresh.name), 'the tag added live');
      await server.call('DELETE', `/tickets/${ticket.id}/tags/${fresh.id}`, other.token);
      await until(() => chips(detail).length === 0, 'the tag removed live');
    } finally {
      live.stop();
    }
  });
});

describe('<console-ticket-detail> metadata', () => {
  async function ticketWithTemplate() {
    const customer = await server.customer();
    const agent = await server.agent('Ada');
    const admin = await server.agent('Root', 'admin');
    const { body: template } = await server.call('POST', '/templates', admin.token, {
      name: `Order problem ${word()}`,
      fields: [
        { key: 'order', label: 'Order number', type: 'text', required: true },
        { key: 'plan', label: 'Plan', type: 'select', options: ['free', 'pro'] },
        { key: 'seats', label: 'Seats', type: 'number' },
        { key: 'contact', label: 'Contact email', type: 'email' },
        { key: 'site', label: 'Website', type: 'url' },
        { key: 'steps', label: 'Steps', type: 'textarea' },
        { key: 'vip', label: 'VIP customer', type: 'checkbox' },
      ],
    });
    const { status, body: ticket } = await server.call('POST', '/tickets', customer.token, { title: 'Order stuck', description: 'Paid, not shipped.', templateId: template.id, fields: { order: 'A-1001', plan: 'free' } });
    expect(status).to.equal(201);
    return { customer, agent, admin, template, ticket };
  }

  it('edits template fields with typed inputs, checking them before anything is sent', async () => {
    const { agent, template, ticket } = await ticketWithTemplate();
    const detail = await mountDetail(agent, ticket.id);
    const editor = editorOf(detail);
    await until(() => inEditor<HTMLSelectElement>(detail, '#template').value === template.id, 'the template picked from the metadata');

    const types = ['order', 'seats', 'contact', 'site'].map((key) => inEditor(detail, `#field-${key}`).type);
    expect(types).to.deep.equal(['text', 'text', 'email', 'url']);
    expect(inEditor(detail, '#field-seats').inputMode).to.equal('decimal');
    expect(inEditor(detail, '#field-steps').tagName).to.equal('TEXTAREA');
    expect(inEditor(detail, '#field-plan').tagName).to.equal('SELECT');
    expect(inEditor(detail, '#field-vip').type).to.equal('checkbox');
    expect(inEditor(detail, '#field-order').value).to.equal('A-1001');
    expect(inEditor<HTMLSelectElement>(detail, '#field-plan').value).to.equal('free');
    expect(inEditor(detail, 'label[for=field-order]').classList.contains('required')).to.equal(true);

    fill(inEditor(detail, '#field-seats'), 'twelve');
    fill(inEditor(detail, '#field-contact'), 'not-an-email');
    fill(inEditor(detail, '#field-order'), '  ');
    inEditor<HTMLButtonElement>(detail, '#template-fields button[type=submit]').click();
    await editor.updateComplete;
    expect(inEditor(detail, '#seats-error').textContent).to.equal('Enter a number.');
    expect(inEditor(detail, '#contact-error').textContent).to.equal('Enter an email address like name@example.com.');
    expect(inEditor(detail, '#order-error').textContent).to.equal('Fill this in.');
    expect(inEditor(detail, '#field-contact').getAttribute('aria-invalid')).to.equal('true');
    expect(inEditor(detail, '#field-contact').getAttribute('aria-describedby')).to.equal('contact-error');
    expect(await metadataOf(agent.token, ticket.id)).to.deep.equal({ order: 'A-1001', plan: 'free' });
    await expect(editor).to.be.accessible();

    fill(inEditor(detail, '#field-order'), 'A-1002');
    fill(inEditor(detail, '#field-seats'), '12');
    fill(inEditor(detail, '#field-contact'), 'ops@example.com');
    fill(inEditor(detail, '#field-site'), 'https://shop.example.com');
    fill(inEditor<HTMLSelectElement>(detail, '#field-plan'), 'pro');
    inEditor(detail, '#field-vip').click();
    inEditor<HTMLButtonElement>(detail, '#template-fields button[type=submit]').click();
    await until(async () => (await metadataOf(agent.token, ticket.id)).vip === true, 'the fields saved');
    expect(await metadataOf(agent.token, ticket.id)).to.deep.equal({ order: 'A-1002', plan: 'pro', seats: 12, contact: 'ops@example.com', site: 'https://shop.example.com', vip: true });
    await until(() => editor.shadowRoot!.querySelector('[role=status]')?.textContent === 'Saved', '"Saved"');

    // Clearing an optional field removes its key.
    fill(inEditor<HTMLSelectElement>(detail, '#field-plan'), '');
    inEditor<HTMLButtonElement>(detail, '#template-fields button[type=submit]').click();
    await until(async () => !('plan' in (await metadataOf(agent.token, ticket.id))), 'plan removed');
  });

  it("edits free keys as JSON: checked first, the server's refusal beside the key, removed", async () => {
    const { agent, ticket } = await ticketWithTemplate();
    const detail = await mountDetail(agent, ticket.id);
    const editor = editorOf(detail);
    const add = () => inEditor<HTMLButtonElement>(detail, '#add-key button[type=submit]').click();

    fill(inEditor(detail, '#new-key'), 'bad key');
    fill(inEditor<HTMLTextAreaElement>(detail, '#new-value'), '{not json');
    add();
    await editor.updateComplete;
    expect(inEditor(detail, '#new-key-error').textContent).to.equal('Use letters, digits, _ . and - (at most 64).');
    expect(inEditor(detail, '#new-value-error').textContent).to.contain('Enter a JSON value');

    // Only the server knows the size limit: its refusal shows beside the value, with its issue.
    fill(inEditor(detail, '#new-key'), 'legacy.notes');
    fill(inEditor<HTMLTextAreaElement>(detail, '#new-value'), JSON.stringify('x'.repeat(17_000)));
    add();
    const refusal = await until(() => editor.shadowRoot!.querySelector('#new-value-error[role=alert]')?.textContent?.includes('server') && editor.shadowRoot!.querySelector('#new-value-error')!, 'the server refusal');
    expect(refusal.textContent).to.contain('The server refused the value.');
    expect(refusal.textContent).to.contain('must be at most 16384 characters as JSON');
    expect(await metadataOf(agent.token, ticket.id)).to.not.have.property('legacy.notes');

    fill(inEditor<HTMLTextAreaElement>(detail, '#new-value'), '{"crm": 42, "tier": ["gold"]}');
    add();
    await until(async () => 'legacy.notes' in (await metadataOf(agent.token, ticket.id)), 'the key saved');
    expect((await metadataOf(agent.token, ticket.id))['legacy.notes']).to.deep.equal({ crm: 42, tier: ['gold'] });
    const row = await until(() => editor.shadowRoot!.querySelector<HTMLElement>('.free[data-key="legacy.notes"]'), 'the free key listed');
    expect(JSON.parse(row.querySelector('textarea')!.value)).to.deep.equal({ crm: 42, tier: ['gold'] });

    fill(row.querySelector('textarea')!, 'true');
    await clickWhenEnabled(() => row.querySelector<HTMLButtonElement>('button'), 'the save button');
    await until(async () => (await metadataOf(agent.token, ticket.id))['legacy.notes'] === true, 'the value changed');

    await clickWhenEnabled(() => [...editor.shadowRoot!.querySelectorAll<HTMLButtonElement>('.free[data-key="legacy.notes"] button')].find((b) => b.textContent!.includes('Remove legacy.notes')), 'the remove button');
    await until(async () => !('legacy.notes' in (await metadataOf(agent.token, ticket.id))), 'the key removed');
    await until(() => !editor.shadowRoot!.querySelector('.free[data-key="legacy.notes"]'), 'the row gone');
  });

  it('shows metadata someone else changes, live', async () => {
    const { agent, ticket } = await ticketWithTemplate();
    const other = await server.agent('Alex');
    const detail = await mountDetail(agent, ticket.id);
    const live = await liveFeed(agent.token, detail);
    try {
      await server.call('PUT', `/tickets/${ticket.id}/metadata/order`, other.token, { value: 'B-2002' });
      await until(() => inEditor(detail, '#field-order').value === 'B-2002', 'the field updated live');
      await server.call('PUT', `/tickets/${ticket.id}/metadata/crm_id`, other.token, { value: 7 });
      await until(() => editorOf(detail).shadowRoot!.querySelector('.free[data-key="crm_id"] textarea'), 'the free key added live');
      expect(detail.ticket!.metadata).to.deep.equal({ order: 'B-2002', plan: 'free', crm_id: 7 });
    } finally {
      live.stop();
    }
  });
});
