/**
 * <console-template-editor> against the real server: an admin creates a template with fields and
 * defaults, edits it (rename, reorder, drop a field), deletes it after confirming; the draft is
 * checked before it is sent; the server's refusals (a taken name, an agent who is not an admin)
 * are shown beside their field and in a summary; keyboard; axe on the list and the form.
 */
/// <reference types="mocha" />
import { expect, fixture, html } from '@open-wc/testing';
import { sendKeys } from '@web/test-runner-commands';
import type { ConsoleTemplateEditor } from '../../../widget/console/admin/console-template-editor.ts';
import '../../../widget/console/admin/console-template-editor.ts';
import { clientFor, deepActiveElement, fill, server, until } from '../support/detail-browser.ts';

const word = () => Math.random().toString(36).slice(2, 8);

async function mountEditor(token: string, locale: 'en' | 'de' | 'ar' = 'en') {
  const client = await clientFor(token);
  const editor = await fixture<ConsoleTemplateEditor>(html`<console-template-editor .client=${client} locale=${locale}></console-template-editor>`);
  await until(() => editor.templates !== undefined, 'the templates');
  await editor.updateComplete;
  return editor;
}

const $ = <T extends Element = HTMLInputElement>(editor: ConsoleTemplateEditor, selector: string) => editor.shadowRoot!.querySelector<T>(selector)!;
const $$ = <T extends Element = HTMLInputElement>(editor: ConsoleTemplateEditor, selector: string) => [...editor.shadowRoot!.querySelectorAll<T>(selector)];
const fieldInput = (editor: ConsoleTemplateEditor, index: number, label: string) => {
  const fieldset = $(editor, `.field[data-index="${index}"]`);
  const labelElement = [...fieldset.querySelectorAll('label')].find((l) => l.textContent!.trim().startsWith(label))!;
  return (labelElement.control ?? labelElement.querySelector('input')) as HTMLInputElement;
};
const templatesOnServer = async (token: string) => (await server.call('GET', '/templates', token)).body.items as { id: string; name: string; fields: { key: string }[]; defaultPriority: string | null; defaultTagIds: string[]; description: string | null }[];

async function addField(editor: ConsoleTemplateEditor, index: number, field: { key: string; label: string; type?: string; options?: string; required?: boolean }) {
  $<HTMLButtonElement>(editor, '#add-field').click();
  await editor.updateComplete;
  fill(fieldInput(editor, index, 'Key'), field.key);
  fill(fieldInput(editor, index, 'Label'), field.label);
  if (field.type) fill(fieldInput(editor, index, 'Type') as unknown as HTMLSelectElement, field.type);
  await editor.updateComplete;
  if (field.options) fill(fieldInput(editor, index, 'Options') as unknown as HTMLTextAreaElement, field.options);
  if (field.required) fieldInput(editor, index, 'Required').click();
  await editor.updateComplete;
}

describe('<console-template-editor>', () => {
  it('creates a template with fields and defaults, edits it, and deletes it after confirming', async () => {
    const admin = await server.agent('Root', 'admin');
    const tag = (await server.call('POST', '/tags', admin.token, { name: `returns-${word()}`, color: '#be123c' })).body;
    const editor = await mountEditor(admin.token);
    const name = `Return request ${word()}`;

    $<HTMLButtonElement>(editor, '#new-template').click();
    await editor.updateComplete;
    fill($(editor, '#name'), name);
    fill($<HTMLTextAreaElement>(editor, '#description'), 'For parcels going back.');
    fill($<HTMLSelectElement>(editor, '#priority'), 'high');
    $(editor, `input[type=checkbox][value="${tag.id}"]`).click();
    await addField(editor, 0, { key: 'order', label: 'Order number', required: true });
    await addField(editor, 1, { key: 'reason', label: 'Reason', type: 'select', options: 'damaged\nwrong size\n' });
    await addField(editor, 2, { key: 'photos', label: 'Photo link', type: 'url' });
    $<HTMLButtonElement>(editor, 'form button[type=submit]').click();
    await until(() => !$(editor, 'form'), 'the form closed');
    expect($(editor, '[role=status]').textContent).to.equal(`Saved “${name}”.`);

    const created = (await templatesOnServer(admin.token)).find((t) => t.name === name)!;
    expect(created.description).to.equal('For parcels going back.');
    expect(created.defaultPriority).to.equal('high');
    expect(created.defaultTagIds).to.deep.equal([tag.id]);
    expect(created.fields).to.deep.equal([
      { key: 'order', label: 'Order number', type: 'text', required: true },
      { key: 'reason', label: 'Reason', type: 'select', required: false, options: ['damaged', 'wrong size'] },
      { key: 'photos', label: 'Photo link', type: 'url', required: false },
    ]);
    const item = $(editor, `li[data-template="${name}"]`);
    expect(item.textContent).to.contain('3 fields');

    // Edit: rename, move "Photo link" up, drop "Order number", no default priority.
    item.querySelector<HTMLButtonElement>(`button[aria-label="Edit ${name}"]`)!.click();
    await editor.updateComplete;
    expect($(editor, '#name').value).to.equal(name);
    fill($(editor, '#name'), `${name} v2`);
    fill($<HTMLSelectElement>(editor, '#priority'), '');
    $<HTMLButtonElement>(editor, '.field[data-index="2"] button[aria-label="Move field 3 up"]').click();
    await editor.updateComplete;
    [...$(editor, '.field[data-index="0"]').querySelectorAll('button')].find((b) => b.textContent === 'Remove field 1')!.click();
    await editor.updateComplete;
    $<HTMLButtonElement>(editor, 'form button[type=submit]').click();
    await until(() => !$(editor, 'form'), 'the form closed');
    const edited = (await templatesOnServer(admin.token)).find((t) => t.id === created.id)!;
    expect(edited.name).to.equal(`${name} v2`);
    expect(edited.defaultPriority).to.equal(null);
    expect(edited.fields.map((f) => f.key)).to.deep.equal(['photos', 'reason']);

    $(editor, `li[data-template="${name} v2"]`).querySelector<HTMLButtonElement>(`button[aria-label="Delete ${name} v2"]`)!.click();
    const confirm = await until(() => editor.shadowRoot!.querySelector<HTMLButtonElement>('#confirm-remove'), 'the confirmation');
    expect(deepActiveElement()).to.equal(confirm);
    expect($(editor, '[role=alertdialog]').textContent).to.contain(`Delete the template “${name} v2”?`);
    confirm.click();
    await until(() => !editor.shadowRoot!.querySelector(`li[data-template="${name} v2"]`), 'gone from the list');
    expect((await templatesOnServer(admin.token)).some((t) => t.id === created.id)).to.equal(false);
  });

  it('checks the draft before sending, and shows what the server still refuses beside its field', async () => {
    const admin = await server.agent('Root', 'admin');
    const taken = `Taken ${word()}`;
    await server.call('POST', '/templates', admin.token, { name: taken });
    const editor = await mountEditor(admin.token);
    const before = (await templatesOnServer(admin.token)).length;

    $<HTMLButtonElement>(editor, '#new-template').click();
    await editor.updateComplete;
    await addField(editor, 0, { key: 'Bad Key', label: '' });
    await addField(editor, 1, { key: 'size', label: 'Size', type: 'select', options: 's\ns' });
    await addField(editor, 2, { key: 'size', label: 'Size again' });
    $<HTMLButtonElement>(editor, 'form button[type=submit]').click();
    await editor.updateComplete;
    expect($(editor, '.alert').textContent).to.equal('Some fields need attention.');
    expect($(editor, '#issue-name').textContent).to.equal('Give the template a name (at most 100 characters).');
    expect($(editor, '#issue-fields-0-key').textContent).to.equal('Start with a-z, then up to 63 of a-z, 0-9 and _.');
    expect($(editor, '#issue-fields-0-label').textContent).to.contain('Give the field a label');
    expect($(editor, '#issue-fields-1-options').textContent).to.contain('each different');
    expect($(editor, '#issue-fields-2-key').textContent).to.equal('Another field has this key.');
    expect(deepActiveElement()).to.equal($(editor, '#name'));
    expect($(editor, '#name').getAttribute('aria-invalid')).to.equal('true');
    await expect(editor).to.be.accessible();
    expect((await templatesOnServer(admin.token)).length).to.equal(before);

    // Fixed here, but the name is taken: the server's conflict lands beside the name.
    fill($(editor, '#name'), taken);
    for (const index of [2, 0]) [...$(editor, `.field[data-index="${index}"]`).querySelectorAll('button')].find((b) => b.textContent!.startsWith('Remove field'))!.click();
    await editor.updateComplete;
    fill(fieldInput(editor, 0, 'Options') as unknown as HTMLTextAreaElement, 's\nm');
    $<HTMLButtonElement>(editor, 'form button[type=submit]').click();
    await until(() => editor.shadowRoot!.querySelector('#issue-name')?.textContent === 'already taken', 'the server issue beside the name');
    expect($(editor, '.alert').textContent).to.contain(`A template named "${taken}" already exists.`);
    expect((await templatesOnServer(admin.token)).length).to.equal(before);
  });

  it("shows an agent's refusal: only admins may change templates", async () => {
    const agent = await server.agent('Ada');
    const editor = await mountEditor(agent.token);
    $<HTMLButtonElement>(editor, '#new-template').click();
    await editor.updateComplete;
    fill($(editor, '#name'), `Not mine ${word()}`);
    $<HTMLButtonElement>(editor, 'form button[type=submit]').click();
    const alert = await until(() => editor.shadowRoot!.querySelector('.alert'), 'the refusal');
    expect(alert.textContent).to.equal('You are not allowed to do that. Only team admins may change templates.');
  });

  it('works from the keyboard and passes axe, in German and Arabic too', async () => {
    const admin = await server.agent('Root', 'admin');
    await server.call('POST', '/templates', admin.token, { name: `Keyboard ${word()}`, fields: [{ key: 'a', label: 'A', type: 'text' }] });
    const editor = await mountEditor(admin.token);
    await expect(editor).to.be.accessible();
    $<HTMLButtonElement>(editor, '#new-template').focus();
    await sendKeys({ press: 'Enter' });
    await until(() => deepActiveElement() === editor.shadowRoot!.querySelector('#name'), 'focus in the name');
    await sendKeys({ type: `Typed ${word()}` });
    await sendKeys({ press: 'Tab' });
    expect(deepActiveElement()).to.equal($(editor, '#description'));
    await expect(editor).to.be.accessible();
    editor.locale = 'de';
    await editor.updateComplete;
    expect($(editor, 'h2').textContent).to.equal('Ticket-Vorlagen');
    editor.locale = 'ar';
    await editor.updateComplete;
    expect($(editor, 'div[dir]').getAttribute('dir')).to.equal('rtl');
    await expect(editor).to.be.accessible();
  });
});
