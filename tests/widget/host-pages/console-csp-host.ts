/**
 * Runs inside the console's strict-CSP host page (served by the test server on its own origin),
 * with csp-host-probe.ts recording every CSP or Trusted Types violation and uncaught error: signs
 * in with the email and password the framing test put in the URL's hash, and walks the console
 * the way an admin would: the live list with a tagged ticket, that ticket's detail (thread with an
 * internal note, tags in their colours, metadata fields), then the template editor's form with
 * the tags' colours. Every tag colour is set from script. It posts what it saw to the test page that framed it.
 */
import type { TicketConsole } from '../../../widget/ticket-console.ts';
import { reportToFramer, until } from './csp-host-probe.ts';

/** The open shadow root of the element at `selector` in `root`, once it is there. */
const shadowOf = (root: ParentNode, selector: string) => until(() => root.querySelector(selector)?.shadowRoot, selector);
const colorOf = (element: Element) => getComputedStyle(element).backgroundColor;

async function run() {
  const params = new URLSearchParams(location.hash.slice(1));
  await customElements.whenDefined('ticket-console');
  const element = document.querySelector('ticket-console') as TicketConsole;
  const signIn = await shadowOf(element.shadowRoot!, 'console-sign-in');
  signIn.querySelector<HTMLInputElement>('#email')!.value = params.get('email')!;
  signIn.querySelector<HTMLInputElement>('#password')!.value = params.get('password')!;
  signIn.querySelector<HTMLButtonElement>('[type=submit]')!.click();
  const workspace = await shadowOf(element.shadowRoot!, 'console-workspace');
  await until(() => workspace.querySelector('.connection.live'), 'the live connection');

  const list = await shadowOf(workspace, 'console-ticket-list');
  const dot = await until(() => list.querySelector<HTMLElement>('.card .dot'), 'a tagged ticket');
  const card = dot.closest('.card')!;
  const listed = { title: card.querySelector('.title')!.textContent, tagColor: colorOf(dot) };

  card.querySelector<HTMLButtonElement>('.open')!.click();
  const detail = await shadowOf(workspace, 'console-ticket-detail');
  const thread = await shadowOf(detail, 'console-thread');
  await until(() => thread.querySelector('.message.note'), 'the internal note in the thread');
  const tags = await shadowOf(detail, 'console-ticket-tags');
  const chip = await until(() => tags.querySelector('.chip .swatch'), 'a tag in the detail');
  const metadata = await shadowOf(detail, 'console-metadata-editor');
  const field = await until(() => metadata.querySelector<HTMLInputElement>('#field-order'), 'the template field');
  const opened = {
    messages: [...thread.querySelectorAll('.message')].map((message) => message.className.replace('message', '').trim()),
    tagColor: colorOf(chip),
    order: field.value,
  };

  workspace.querySelector<HTMLButtonElement>('.templates')!.click();
  const editor = await shadowOf(workspace, 'console-template-editor');
  const create = await until(() => editor.querySelector<HTMLButtonElement>('#new-template'), 'the template list');
  create.click();
  const pick = await until(() => editor.querySelector(`input[type=checkbox][value="${params.get('tag')}"]`), 'the default tags');
  const admin = { tagColor: colorOf(pick.parentElement!.querySelector('.swatch')!) };

  // A violation is reported in a task of its own: let any that is due arrive before reporting.
  await new Promise((resolve) => setTimeout(resolve, 100));
  return { listed, opened, admin, adopted: element.shadowRoot!.adoptedStyleSheets.length > 0 };
}

reportToFramer('console-csp-host', run());
