/**
 * Attachments against the real server: chosen with the picker, dropped, or pasted; listed with
 * a preview, removable, with per-file progress while uploading; refused types explained in
 * words; and shown in the thread (images as thumbnails fetched with the token) — also on replies.
 */
/// <reference types="mocha" />
import { expect } from '@open-wc/testing';
import type { TicketWidget } from '../../widget/ticket-widget.ts';
import type { TicketFiles } from '../../widget/views/ticket-files.ts';
import { progressPerFile } from '../../widget/views/ticket-files.ts';
import type { TicketNew } from '../../widget/views/ticket-new.ts';
import { deep, deepAll, fill, nextEvent, openWidget, pngFile, server, textFile, until, viewReady } from './support/browser.ts';

function transfer(...files: File[]): DataTransfer {
  const data = new DataTransfer();
  for (const file of files) data.items.add(file);
  return data;
}

async function newTicketForm(widget: TicketWidget) {
  await widget.newTicket();
  const form = await viewReady<TicketNew>(widget, 'ticket-new');
  const files = await until(() => form.shadowRoot!.querySelector<TicketFiles>('ticket-files'), 'the file chooser');
  await files.updateComplete;
  return { form, files };
}

const names = (files: TicketFiles) => [...files.shadowRoot!.querySelectorAll('.name')].map((el) => el.textContent!.split(' · ')[0]);

describe('attachments', () => {
  let url: string;
  before(async () => {
    ({ url } = await server.info());
  });
  beforeEach(() => localStorage.clear());

  it('takes files from the picker, a drop and a paste; previews images; removes one; uploads the rest with progress', async () => {
    const customer = await server.customer();
    const widget = await openWidget(url, customer.token);
    const { form, files } = await newTicketForm(widget);

    const input = files.shadowRoot!.querySelector<HTMLInputElement>('input[type=file]')!;
    input.files = transfer(await pngFile('screenshot.png'), textFile('notes.txt')).files;
    input.dispatchEvent(new Event('change'));
    await files.updateComplete;

    const description = form.shadowRoot!.querySelector('#description')!;
    const dropData = transfer(textFile('dropped.txt', 'dropped'));
    description.dispatchEvent(new DragEvent('dragenter', { dataTransfer: dropData, bubbles: true, composed: true, cancelable: true }));
    await form.updateComplete;
    expect(form.shadowRoot!.querySelector('.drop')!.textContent).to.equal('Drop files to attach them');
    description.dispatchEvent(new DragEvent('drop', { dataTransfer: dropData, bubbles: true, composed: true, cancelable: true }));
    await form.updateComplete;
    expect(form.shadowRoot!.querySelector('.drop')).to.equal(null);

    const paste = new ClipboardEvent('paste', { clipboardData: transfer(await pngFile('pasted.png', 16)), bubbles: true, composed: true, cancelable: true });
    description.dispatchEvent(paste);
    expect(paste.defaultPrevented).to.equal(true);
    await files.updateComplete;
    expect(names(files)).to.deep.equal(['screenshot.png', 'notes.txt', 'dropped.txt', 'pasted.png']);
    const previews = [...files.shadowRoot!.querySelectorAll('img')];
    expect(previews).to.have.length(2);
    expect(previews.every((img) => img.src.startsWith('blob:'))).to.equal(true);

    files.shadowRoot!.querySelector<HTMLButtonElement>('[aria-label="Remove notes.txt"]')!.click();
    await files.updateComplete;
    expect(names(files)).to.deep.equal(['screenshot.png', 'dropped.txt', 'pasted.png']);
    await expect(form).to.be.accessible();

    fill(form.shadowRoot!.querySelector('#title')!, 'Broken layout');
    fill(form.shadowRoot!.querySelector('#description')!, 'See the screenshots.');
    const created = nextEvent(widget, 'ticket-created');
    form.shadowRoot!.querySelector<HTMLButtonElement>('[type=submit]')!.click();
    await files.updateComplete;
    const bars = [...files.shadowRoot!.querySelectorAll('progress')];
    expect(bars.map((bar) => bar.getAttribute('aria-label'))).to.deep.equal(['Uploading screenshot.png', 'Uploading dropped.txt', 'Uploading pasted.png']);
    expect(files.shadowRoot!.querySelector('.remove')).to.equal(null);

    const { ticket } = await created;
    const thread = await viewReady(widget, 'ticket-thread');
    const attachments = await until(() => {
      const found = deepAll(widget, ['ticket-panel', 'ticket-thread'], 'ticket-attachment');
      return found.length === 3 ? found : undefined;
    }, 'three attachments in the thread');
    const image = await until(() => attachments[0]!.shadowRoot!.querySelector('img'), 'the thumbnail');
    await until(() => image.complete && image.naturalWidth === 24, 'the thumbnail to load');
    expect(image.src).to.match(/^blob:/);
    expect(image.alt).to.equal('screenshot.png');
    expect(attachments[1]!.shadowRoot!.querySelector('button')!.getAttribute('aria-label')).to.equal('Download dropped.txt 7 B');
    const { body } = await server.call('GET', `/tickets/${ticket.id}/messages`, customer.token);
    expect(body.items[0].attachments.map((a: { name: string }) => a.name)).to.deep.equal(['screenshot.png', 'dropped.txt', 'pasted.png']);
    await expect(thread).to.be.accessible();
  });

  it("explains in words when the server refuses a file's type", async () => {
    const customer = await server.customer();
    const widget = await openWidget(url, customer.token);
    const { form, files } = await newTicketForm(widget);
    files.add([new File(['<html><script>alert(1)</script></html>'], 'page.html', { type: 'text/html' })]);
    fill(form.shadowRoot!.querySelector('#title')!, 'With a web page');
    fill(form.shadowRoot!.querySelector('#description')!, 'Attached.');
    form.shadowRoot!.querySelector<HTMLButtonElement>('[type=submit]')!.click();
    const error = await until(() => form.shadowRoot!.querySelector('.form-error'), 'the refusal');
    expect(error.textContent).to.include('That kind of file cannot be attached.');
    expect(names(files)).to.deep.equal(['page.html']);
    expect(files.shadowRoot!.querySelector('progress')).to.equal(null);
    const { body } = await server.call('GET', '/tickets', customer.token);
    expect(body.items).to.have.length(0);
  });

  it('sends a reply with a pasted image from the composer, and shows it in the thread', async () => {
    const customer = await server.customer();
    const widget = await openWidget(url, customer.token);
    const { form } = await newTicketForm(widget);
    fill(form.shadowRoot!.querySelector('#title')!, 'Reply with a picture');
    fill(form.shadowRoot!.querySelector('#description')!, 'First message.');
    form.shadowRoot!.querySelector<HTMLButtonElement>('[type=submit]')!.click();
    const thread = await viewReady(widget, 'ticket-thread');
    const textarea = await until(() => thread.shadowRoot!.querySelector('textarea'), 'the composer');
    textarea.dispatchEvent(new ClipboardEvent('paste', { clipboardData: transfer(await pngFile('reply.png', 20)), bubbles: true, composed: true, cancelable: true }));
    fill(textarea, 'Here it is.');
    await thread.updateComplete;
    thread.shadowRoot!.querySelector<HTMLButtonElement>('[type=submit]')!.click();
    const attachment = await until(() => {
      const messages = deepAll(widget, ['ticket-panel', 'ticket-thread'], '.message:not(.pending)');
      return messages.length === 2 ? messages[1]!.querySelector('ticket-attachment') : undefined;
    }, 'the reply with its attachment');
    const image = await until(() => attachment.shadowRoot!.querySelector('img'), 'the thumbnail');
    await until(() => image.complete && image.naturalWidth === 20, 'the thumbnail to load');
  });

  it('reads per-file progress off the bytes sent', () => {
    const files = [new File(['a'.repeat(100)], 'a'), new File(['b'.repeat(300)], 'b')];
    // 50 bytes of fields first, then a (100), then b (300).
    expect(progressPerFile(files, 0, 450)).to.deep.equal([0, 0]);
    expect(progressPerFile(files, 100, 450)).to.deep.equal([0.5, 0]);
    expect(progressPerFile(files, 300, 450)).to.deep.equal([1, 0.5]);
    expect(progressPerFile(files, 450, 450)).to.deep.equal([1, 1]);
  });
});
