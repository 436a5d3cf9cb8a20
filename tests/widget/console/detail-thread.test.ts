/**
 * The detail pane's thread and composer against the real server: every page of a long thread,
 * oldest first; a reply and an internal note (which looks different, and which the customer
 * never gets: not through the API, not in their <ticket-widget>); files by picker, drop and paste,
 * shown as a thumbnail or a download; refusals shown; Ctrl+Enter; live arrival; axe.
 */
/// <reference types="mocha" />
import { expect, fixture, html } from '@open-wc/testing';
import { sendKeys } from '@web/test-runner-commands';
import type { ConsoleComposer } from '../../../widget/console/detail/detail-composer.ts';
import type { TicketWidget } from '../../../widget/ticket-widget.ts';
import '../../../widget/ticket-widget.ts';
import { addMessages, deep, liveFeed, mountDetail, openTicket, part, pngFile, server, textFile, until } from '../support/detail-browser.ts';

const composerOf = (detail: HTMLElement) => detail.shadowRoot!.querySelector<ConsoleComposer>('console-composer')!;
const messagesOf = (detail: HTMLElement) => [...(deep(detail, 'console-thread')?.shadowRoot?.querySelectorAll<HTMLElement>('.message') ?? [])];
const textsOf = (detail: HTMLElement) => messagesOf(detail).map((li) => li.querySelector('.text')!.textContent);

function transfer(...files: File[]): DataTransfer {
  const data = new DataTransfer();
  for (const file of files) data.items.add(file);
  return data;
}

async function write(composer: ConsoleComposer, text: string): Promise<void> {
  const textarea = composer.shadowRoot!.querySelector('textarea')!;
  textarea.focus();
  textarea.value = text;
  textarea.dispatchEvent(new Event('input', { bubbles: true, composed: true }));
  await composer.updateComplete;
}

const submit = (composer: ConsoleComposer) => composer.shadowRoot!.querySelector<HTMLButtonElement>('button[type=submit]')!.click();

describe('<console-ticket-detail> thread and composer', () => {
  it('loads every page of a long thread, oldest first', async () => {
    const customer = await server.customer('Pat');
    const agent = await server.agent('Ada');
    const ticket = await openTicket(customer, 'A long story', 'message 0');
    await addMessages(ticket.id, customer.id, 204, 'message');
    const detail = await mountDetail(agent, ticket.id);
    await until(() => messagesOf(detail).length === 205, 'all 205 messages');
    const times = messagesOf(detail).map((li) => Date.parse(li.querySelector('time')!.getAttribute('datetime')!));
    expect(times).to.deep.equal([...times].sort((a, b) => a - b));
    expect(textsOf(detail)[0]).to.equal('message 0');
    expect(textsOf(detail)[204]).to.equal('message 204');
  });

  it('sends a reply and an internal note that looks different and never reaches the customer', async () => {
    const customer = await server.customer('Pat');
    const agent = await server.agent('Ada');
    const ticket = await openTicket(customer, 'Where is my refund?', 'It has been two weeks.');
    const detail = await mountDetail(agent, ticket.id);
    const composer = composerOf(detail);

    await write(composer, 'We are on it.');
    submit(composer);
    await until(() => textsOf(detail).includes('We are on it.'), 'the reply in the thread');

    // The toggle: the composer changes its look, words and button.
    composer.shadowRoot!.querySelector<HTMLInputElement>('input[value=note]')!.click();
    await composer.updateComplete;
    expect(composer.internal).to.equal(true);
    expect(composer.shadowRoot!.querySelector('textarea')!.placeholder).to.equal('Write a note only the team sees');
    expect(composer.shadowRoot!.querySelector('button[type=submit]')!.textContent!.trim()).to.equal('Add note');
    await write(composer, 'Refund was blocked by finance, checking.');
    submit(composer);
    await until(() => textsOf(detail).includes('Refund was blocked by finance, checking.'), 'the note in the thread');

    const [, reply, note] = messagesOf(detail);
    expect(reply!.classList.contains('note')).to.equal(false);
    expect(note!.classList.contains('note')).to.equal(true);
    expect(note!.querySelector('.kind')!.textContent).to.equal('Internal note');
    expect(note!.querySelector('.meta svg.icon')).to.not.equal(null);
    expect(getComputedStyle(note!).borderStyle).to.equal('dashed');
    expect(getComputedStyle(note!).backgroundColor).to.not.equal(getComputedStyle(reply!).backgroundColor);

    const asAgent = (await server.call('GET', `/tickets/${ticket.id}/messages`, agent.token)).body.items;
    expect(asAgent.map((m: { isInternal: boolean }) => m.isInternal)).to.deep.equal([false, false, true]);
    const asCustomer = (await server.call('GET', `/tickets/${ticket.id}/messages`, customer.token)).body.items;
    expect(asCustomer.map((m: { message: string }) => m.message)).to.deep.equal(['It has been two weeks.', 'We are on it.']);

    // The customer's own widget shows the reply and not the note.
    const { url } = await server.info();
    localStorage.clear();
    const widget = await fixture<TicketWidget>(html`<ticket-widget server=${url} token=${customer.token}></ticket-widget>`);
    await widget.open();
    const list = await until(() => deep(widget, 'ticket-panel', 'ticket-list'), 'the customer list');
    const item = await until(() => [...list.shadowRoot!.querySelectorAll<HTMLButtonElement>('.item')].find((b) => b.querySelector('.title')!.textContent === 'Where is my refund?'), 'the ticket in their list');
    item.click();
    const thread = await until(() => deep(widget, 'ticket-panel', 'ticket-thread'), 'the customer thread');
    await until(() => thread.shadowRoot!.querySelectorAll('.message').length === 2, "the customer's two messages");
    expect(thread.shadowRoot!.textContent).to.contain('We are on it.');
    expect(thread.shadowRoot!.textContent).to.not.contain('Refund was blocked');
  });

  it('attaches files by picker, drop and paste; shows images as thumbnails and other files as downloads', async () => {
    const customer = await server.customer();
    const agent = await server.agent('Ada');
    const ticket = await openTicket(customer, 'Screenshots attached');
    const detail = await mountDetail(agent, ticket.id);
    const composer = composerOf(detail);

    const input = composer.shadowRoot!.querySelector<HTMLInputElement>('input[type=file]')!;
    input.files = transfer(await pngFile('picked.png')).files;
    input.dispatchEvent(new Event('change'));
    const textarea = composer.shadowRoot!.querySelector('textarea')!;
    const dropped = transfer(textFile('dropped.txt', 'log line'));
    textarea.dispatchEvent(new DragEvent('dragenter', { dataTransfer: dropped, bubbles: true, composed: true, cancelable: true }));
    await composer.updateComplete;
    expect(composer.shadowRoot!.querySelector('.drop')!.textContent).to.equal('Drop files to attach them');
    textarea.dispatchEvent(new DragEvent('drop', { dataTransfer: dropped, bubbles: true, composed: true, cancelable: true }));
    const paste = new ClipboardEvent('paste', { clipboardData: transfer(textFile('pasted.txt', 'pasted')), bubbles: true, composed: true, cancelable: true });
    textarea.dispatchEvent(paste);
    expect(paste.defaultPrevented).to.equal(true);
    await composer.updateComplete;
    expect(composer.files.map((file) => file.name)).to.deep.equal(['picked.png', 'dropped.txt', 'pasted.txt']);
    composer.shadowRoot!.querySelector<HTMLButtonElement>('button[aria-label="Remove pasted.txt"]')!.click();
    await composer.updateComplete;

    await write(composer, 'Here is what I see.');
    submit(composer);
    await until(() => textsOf(detail).includes('Here is what I see.'), 'the reply with files');
    expect(composer.files).to.deep.equal([]);

    const last = messagesOf(detail).at(-1)!;
    const [image, file] = [...last.querySelectorAll('console-attachment')];
    const img = await until(() => image!.shadowRoot!.querySelector('img'), 'the thumbnail');
    expect(img.src).to.match(/^blob:/);
    expect(img.alt).to.equal('picked.png');
    await until(() => img.complete && img.naturalWidth === 24, 'the image decoded');
    const download = file!.shadowRoot!.querySelector('button')!;
    expect(download.getAttribute('aria-label')).to.match(/^Download dropped\.txt/);
    const stored = (await server.call('GET', `/tickets/${ticket.id}/messages`, agent.token)).body.items.at(-1);
    expect(stored.attachments.map((a: { name: string }) => a.name)).to.deep.equal(['picked.png', 'dropped.txt']);
  });

  it("shows refusals: nothing written, and a file type the server does not take", async () => {
    const customer = await server.customer();
    const agent = await server.agent('Ada');
    const ticket = await openTicket(customer, 'Odd file');
    const detail = await mountDetail(agent, ticket.id);
    const composer = composerOf(detail);
    submit(composer);
    await composer.updateComplete;
    expect(composer.shadowRoot!.querySelector('[role=alert]')!.textContent).to.equal('Write something first.');

    const executable = new File([new Uint8Array([0x4d, 0x5a, 0x90, 0x00, 0x03, 0x00, 0x00, 0x00, 0x04, 0x00])], 'tool.exe', { type: 'application/octet-stream' });
    const input = composer.shadowRoot!.querySelector<HTMLInputElement>('input[type=file]')!;
    input.files = transfer(executable).files;
    input.dispatchEvent(new Event('change'));
    await write(composer, 'Try this tool.');
    submit(composer);
    const alert = await until(() => composer.shadowRoot!.querySelector('[role=alert]'), 'the refusal');
    expect(alert.textContent).to.contain('That kind of file cannot be attached.');
    // The draft stays for another try.
    expect(composer.shadowRoot!.querySelector('textarea')!.value).to.equal('Try this tool.');
    expect((await server.call('GET', `/tickets/${ticket.id}/messages`, agent.token)).body.items).to.have.length(1);
  });

  it('sends with Ctrl+Enter, each send once, and shows a message arriving live', async () => {
    const customer = await server.customer('Pat');
    const agent = await server.agent('Ada');
    const ticket = await openTicket(customer, 'Live please');
    const detail = await mountDetail(agent, ticket.id);
    const live = await liveFeed(agent.token, detail);
    try {
      await detail.focusComposer();
      const composer = composerOf(detail);
      expect(composer.shadowRoot!.activeElement?.tagName).to.equal('TEXTAREA');
      await sendKeys({ type: 'First answer' });
      await sendKeys({ down: 'Control' });
      await sendKeys({ press: 'Enter' });
      await sendKeys({ up: 'Control' });
      await until(() => textsOf(detail).includes('First answer'), 'the reply sent with Ctrl+Enter');
      await sendKeys({ type: 'First answer' });
      await sendKeys({ down: 'Control' });
      await sendKeys({ press: 'Enter' });
      await sendKeys({ up: 'Control' });
      await until(() => textsOf(detail).filter((text) => text === 'First answer').length === 2, 'the same words sent again as a new message');
      // The live echo of the agent's own messages does not duplicate them.
      await new Promise((resolve) => setTimeout(resolve, 600));
      expect(textsOf(detail).filter((text) => text === 'First answer')).to.have.length(2);

      await server.call('POST', `/tickets/${ticket.id}/messages`, customer.token, { message: 'Thanks, that worked!' });
      await until(() => textsOf(detail).includes('Thanks, that worked!'), 'the customer message arriving live');
      expect(detail.shadowRoot!.querySelector('[aria-live=polite]')!.textContent).to.contain('New message from Pat');
      expect(detail.ticket!.messageCount).to.equal(4);
    } finally {
      live.stop();
    }
  });

  it('passes axe, in English and in Arabic (right to left)', async () => {
    const customer = await server.customer();
    const agent = await server.agent('Ada');
    const ticket = await openTicket(customer, 'Accessible thread');
    await server.call('POST', `/tickets/${ticket.id}/messages`, agent.token, { message: 'Internal remark', isInternal: true });
    await server.call('POST', `/tickets/${ticket.id}/messages`, agent.token, { message: 'Public answer' });
    const detail = await mountDetail(agent, ticket.id);
    await until(() => messagesOf(detail).length === 3, 'three messages');
    await expect(detail).to.be.accessible();
    detail.locale = 'ar';
    await detail.updateComplete;
    expect(part(detail, 'div[dir]').getAttribute('dir')).to.equal('rtl');
    expect(messagesOf(detail)[1]!.querySelector('.kind')!.textContent).to.equal('ملاحظة داخلية');
    await expect(detail).to.be.accessible();
  });
});
