/**
 * The console's shell: signing in with email and password (kept for the tab, forgotten on sign
 * out), a customer's token turned away, the admin area for admins only, German and Arabic (right
 * to left), a ticket opened from the detail pane's customer panel, the narrow layout (list, then
 * the ticket with a back button), everything under a strict CSP, and /console.js served
 * like /widget.js — and never part of what the widget loads.
 */
/// <reference types="mocha" />
import { expect } from '@open-wc/testing';
import { executeServerCommand, sendKeys, setViewport } from '@web/test-runner-commands';
import { cardOf, deep, deepActiveElement, detailOf, fill, listReady, mountConsole, openConsole, openTicket, runHostPage, server, setSearch, team, uniqueWord, until, workspaceOf } from '../support/console-browser.ts';

const sessionKeyOf = (url: string) => `ticket-console:v1:${new URL(url).origin}:session`;

describe('<ticket-console> shell', () => {
  let url: string;
  before(async () => {
    ({ url } = await server.info());
  });
  beforeEach(() => sessionStorage.clear());
  afterEach(async () => {
    setSearch('');
    await setViewport({ width: 1200, height: 800 });
  });

  it('signs a team member in with email and password, keeps the session for the tab, and signs out', async () => {
    const password = 'correct horse battery staple';
    const sam = await team.withPassword(password, 'Sam Agent');
    const element = await mountConsole();
    const signIn = await until(() => deep(element, 'console-sign-in'), 'the sign-in form');
    await (signIn as HTMLElement & { updateComplete: Promise<unknown> }).updateComplete;
    await expect(signIn).to.be.accessible();
    const form = signIn.shadowRoot!;

    fill(form.querySelector<HTMLInputElement>('#email')!, sam.email);
    fill(form.querySelector<HTMLInputElement>('#password')!, 'not the password');
    form.querySelector<HTMLButtonElement>('button[type=submit]')!.click();
    const refused = await until(() => form.querySelector('[role=alert]'), 'the refusal');
    expect(refused.textContent).to.equal('That email and password do not match a team member.');
    expect(sessionStorage.getItem(sessionKeyOf(url))).to.equal(null);

    fill(form.querySelector<HTMLInputElement>('#password')!, password);
    form.querySelector<HTMLButtonElement>('button[type=submit]')!.click();
    await listReady(element);
    expect(workspaceOf(element)!.shadowRoot!.querySelector('.who')!.textContent).to.equal('Sam Agent');
    const stored = sessionStorage.getItem(sessionKeyOf(url));
    expect(stored).to.be.a('string');
    const me = await server.call('GET', '/me', stored!);
    expect(me.body.teamRole).to.equal('agent');

    // A reload of the tab: the session is still there.
    element.remove();
    const again = await mountConsole();
    await listReady(again);

    workspaceOf(again)!.shadowRoot!.querySelector<HTMLButtonElement>('.sign-out')!.click();
    await until(() => deep(again, 'console-sign-in'), 'the sign-in form again');
    expect(sessionStorage.getItem(sessionKeyOf(url))).to.equal(null);
  });

  it('turns a customer away with a clear message', async () => {
    const customer = await server.customer('Cleo');
    const element = await mountConsole({ token: customer.token });
    const message = await until(() => element.shadowRoot!.querySelector('[role=alert]'), 'the message');
    expect(message.textContent).to.equal('This console is for the support team. You are signed in as a customer: use the support widget on the site instead.');
    expect(workspaceOf(element)).to.equal(null);
    await expect(element).to.be.accessible();
  });

  it('shows the template editor to admins only', async () => {
    const agent = await server.agent('Ana');
    const { element } = await openConsole(agent.token);
    expect(workspaceOf(element)!.shadowRoot!.querySelector('.templates')).to.equal(null);
    element.remove();

    const admin = await server.agent('Ada', 'admin');
    const { element: adminConsole } = await openConsole(admin.token);
    const workspace = workspaceOf(adminConsole)!;
    const button = workspace.shadowRoot!.querySelector<HTMLButtonElement>('.templates')!;
    expect(button.getAttribute('aria-pressed')).to.equal('false');
    button.click();
    await workspace.updateComplete;
    expect(button.getAttribute('aria-pressed')).to.equal('true');
    const editor = workspace.shadowRoot!.querySelector<HTMLElement & { client: unknown }>('console-template-editor')!;
    expect(editor).to.not.equal(null);
    expect(editor.client).to.equal(workspace.client);
    workspace.shadowRoot!.querySelector<HTMLButtonElement>('.back')!.click();
    await workspace.updateComplete;
    expect(workspace.shadowRoot!.querySelector('console-template-editor')).to.equal(null);
  });

  it('speaks German, and Arabic from right to left', async () => {
    const agent = await server.agent();
    const { element, list } = await openConsole(agent.token, { locale: 'de' });
    expect(workspaceOf(element)!.shadowRoot!.querySelector('h1')!.textContent).to.equal('Support-Konsole');
    expect(element.getAttribute('dir')).to.equal('ltr');
    expect(list.shadowRoot!.querySelector('.bulk')!.textContent).to.include('Alle angezeigten auswählen');
    element.setAttribute('locale', 'ar');
    await until(() => element.getAttribute('dir') === 'rtl', 'right to left');
    await element.updateComplete;
    expect(workspaceOf(element)!.shadowRoot!.querySelector('h1')!.textContent).to.equal('وحدة تحكم الدعم');
    expect(getComputedStyle(workspaceOf(element)!.shadowRoot!.querySelector('header')!).direction).to.equal('rtl');
    await expect(element).to.be.accessible();
  });

  it("opens one of the customer's other tickets from the detail pane like a pick in the list: selected, in the URL, back with Back", async () => {
    const word = uniqueWord();
    const customer = await server.customer();
    const agent = await server.agent();
    const older = await openTicket(customer, `${word} older`);
    const newer = await openTicket(customer, `${word} newer`);
    const { element, list } = await openConsole(agent.token, { search: `q=${word}&ticket=${newer.id}` });
    const ticketInUrl = () => new URL(location.href).searchParams.get('ticket');
    const openTicketOf = () => (detailOf(element) as (HTMLElement & { ticket?: { id: string } }) | null)?.ticket?.id;
    await until(() => openTicketOf() === newer.id, 'the newer ticket in the detail pane');
    const other = await until(() => deep<HTMLButtonElement>(element, 'console-workspace', 'console-ticket-detail', 'console-customer-panel', `button[data-ticket="${older.id}"]`), "the customer's older ticket");

    other.focus();
    await sendKeys({ press: 'Enter' });
    await until(() => openTicketOf() === older.id, 'the older ticket in the detail pane');
    await until(() => deepActiveElement()?.textContent === `${word} older`, 'focus on its title (the button that was clicked is gone)');
    expect(ticketInUrl()).to.equal(older.id);
    expect(new URL(location.href).searchParams.get('q'), 'the filters kept').to.equal(word);
    await until(() => cardOf(list, `${word} older`).querySelector('.open')!.getAttribute('aria-current') === 'true', 'its card selected');
    expect(cardOf(list, `${word} newer`).querySelector('.open')!.getAttribute('aria-current')).to.equal(null);

    history.back();
    await until(() => openTicketOf() === newer.id, 'the newer ticket again after Back');
  });

  it('on a narrow screen shows the list, then the ticket with a way back', async () => {
    await setViewport({ width: 480, height: 800 });
    const word = uniqueWord();
    const customer = await server.customer();
    const agent = await server.agent();
    await openTicket(customer, `${word} on the phone`);
    const { element, list } = await openConsole(agent.token, { search: `q=${word}` });
    const workspace = workspaceOf(element)!;
    await until(() => workspace.narrow, 'the narrow layout');
    const listPane = workspace.shadowRoot!.querySelector<HTMLElement>('.list-pane')!;
    const detailPane = workspace.shadowRoot!.querySelector<HTMLElement>('.detail-pane')!;
    await until(() => list.shadowRoot!.querySelector('.card'), 'the ticket');
    expect(listPane.hidden).to.equal(false);
    expect(detailPane.hidden).to.equal(true);

    cardOf(list, `${word} on the phone`).querySelector<HTMLButtonElement>('.open')!.click();
    await workspace.updateComplete;
    expect(listPane.hidden).to.equal(true);
    expect(detailPane.hidden).to.equal(false);
    expect(detailPane.querySelector('console-ticket-detail')).to.not.equal(null);

    detailPane.querySelector<HTMLButtonElement>('.back')!.click();
    await until(() => !listPane.hidden, 'the list again');
    expect(new URL(location.href).searchParams.get('ticket')).to.equal(null);
    await until(() => deepActiveElement()?.classList.contains('open'), 'focus back on the card');
  });

  it("works on a page with default-src 'self'; script-src 'self'; style-src 'self'; require-trusted-types-for 'script', with no violation: list, detail and template editor", async function () {
    this.timeout(30_000);
    const password = 'a strict page password';
    const admin = await team.withPassword(password, 'Strict Sam', 'admin');
    const word = uniqueWord();
    const customer = await server.customer();
    const template = await server.call('POST', '/templates', admin.token, { name: `Strict ${word}`, fields: [{ key: 'order', label: 'Order number', type: 'text' }] });
    const { body: ticket } = await server.call('POST', '/tickets', customer.token, { title: `${word} tagged`, description: 'From the strict page.', templateId: template.body.id, fields: { order: 'A-7' } });
    await server.call('POST', `/tickets/${ticket.id}/messages`, admin.token, { message: 'Looking into it', isInternal: true });
    const tag = await server.call('POST', '/tags', admin.token, { name: `strict-${word}`, color: '#0a7d52' });
    await server.call('PUT', `/tickets/${ticket.id}/tags/${tag.body.id}`, admin.token);
    try {
      const result = await runHostPage(
        `${url}/__test/console-csp-host.html?q=${word}#${new URLSearchParams({ email: admin.email, password, tag: tag.body.id })}`,
        'console-csp-host',
        'width: 1000px; height: 700px; border: 0;',
      );
      expect(result.failure, 'the page ran to the end').to.equal(undefined);
      expect(result.violations, 'CSP and Trusted Types violations').to.deep.equal([]);
      expect(result.errors, 'uncaught errors').to.deep.equal([]);
      expect(result.listed).to.deep.equal({ title: `${word} tagged`, tagColor: 'rgb(10, 125, 82)' });
      expect(result.opened).to.deep.equal({ messages: ['customer', 'note'], tagColor: 'rgb(10, 125, 82)', order: 'A-7' });
      expect(result.admin).to.deep.equal({ tagColor: 'rgb(10, 125, 82)' });
      expect(result.adopted).to.equal(true);
    } finally {
      // The frame shared this page's HTTP cache and stored same-origin answers (no
      // Access-Control-Allow-Origin) for URLs every test asks for. Revalidating one of those from
      // here gets a 304 that carries no Access-Control-Allow-Origin either (hono/etag keeps only its
      // own list of headers), which the browser fails as a network error: store fresh answers.
      for (const path of ['/me', '/team', '/tags', '/templates']) await fetch(`${url}/api/v1${path}`, { cache: 'reload', headers: { authorization: `Bearer ${admin.token}` } });
    }
  });

  it('is served at /console.js like /widget.js, and the widget never loads it', async () => {
    type Fetched = { status: number; headers: Record<string, string>; text: string };
    const fetchAsset = (path: string, headers: Record<string, string> = {}) => executeServerCommand<Fetched, { path: string; headers: Record<string, string> }>('api:fetch', { path, headers });

    const script = await fetchAsset('/console.js');
    expect(script.status).to.equal(200);
    expect(script.headers['content-type']).to.equal('text/javascript; charset=utf-8');
    expect(script.headers['cache-control']).to.equal('no-cache');
    expect(script.headers['access-control-allow-origin']).to.equal('*');
    expect(script.text).to.include('ticket-console');
    const revalidated = await fetchAsset('/console.js', { 'if-none-match': script.headers.etag! });
    expect(revalidated.status).to.equal(304);

    const chunk = /console\/assets\/[A-Za-z0-9_-]+\.js/.exec(script.text)?.[0];
    expect(chunk, 'a lazily loaded chunk (a locale)').to.be.a('string');
    const chunkFile = await fetchAsset(`/${chunk}`);
    expect(chunkFile.status).to.equal(200);
    expect(chunkFile.headers['cache-control']).to.equal('public, max-age=31536000, immutable');
    expect((await fetchAsset('/console/assets/..%2Fconsole.js')).status).to.equal(404);

    const widget = await fetchAsset('/widget.js');
    expect(widget.text).to.not.include('console');
  });
});
