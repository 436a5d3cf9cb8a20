/**
 * Runs inside the strict-CSP host page (served by the test server on its own origin), with
 * csp-host-probe.ts recording every CSP or Trusted Types violation and uncaught error: signs a
 * customer in, opens a ticket through the widget's own form (an attachment included), waits for
 * it live, and posts what happened to the test page that framed it.
 */
import type { TicketWidget } from '../../../widget/ticket-widget.ts';
import { reportToFramer, until } from './csp-host-probe.ts';

async function run() {
  await customElements.whenDefined('ticket-widget');
  const widget = document.querySelector('ticket-widget') as TicketWidget;
  const { token } = (await (await fetch('/__test/token?name=Strict')).json()) as { token: string };
  widget.token = token;
  const created = new Promise<string>((resolve) => widget.addEventListener('ticket-created', (event) => resolve(event.ticket.title), { once: true }));
  await widget.newTicket({ title: 'From a strict page', description: 'CSP and Trusted Types are on.' });
  const form = await until(() => widget.shadowRoot!.querySelector('ticket-panel')?.shadowRoot?.querySelector('ticket-new'), 'the form');
  await form.updateComplete;
  const files = await until(() => form.shadowRoot!.querySelector('ticket-files'), 'the file chooser');
  files.add([new File(['plain text'], 'notes.txt', { type: 'text/plain' })]);
  await files.updateComplete;
  form.shadowRoot!.querySelector<HTMLButtonElement>('[type=submit]')!.click();
  const title = await created;
  const panel = widget.shadowRoot!.querySelector('ticket-panel')!;
  await until(() => panel.shadowRoot!.querySelector('[part=connection]')?.textContent?.trim() === 'Live', 'the live connection');
  const thread = await until(() => panel.shadowRoot!.querySelector('ticket-thread'), 'the thread');
  await until(() => thread.shadowRoot!.querySelector('ticket-attachment'), 'the attachment');
  return { title, trustedTypes: typeof (window as { trustedTypes?: unknown }).trustedTypes === 'object' };
}

reportToFramer('csp-host', run());
