/**
 * A good guest on any page: it works under a strict CSP with Trusted Types (no violation), two
 * widgets live side by side, the page's CSS does not get in and the widget's does not get out,
 * and the server hands out the built files the way a cross-origin module script needs them.
 */
/// <reference types="mocha" />
import { expect, fixture, html } from '@open-wc/testing';
import type { TicketWidget } from '../../widget/ticket-widget.ts';
import { deep, deepAll, openTicket, runHostPage, server, until, viewReady } from './support/browser.ts';

describe('on a host page', () => {
  let url: string;
  before(async () => {
    ({ url } = await server.info());
  });
  beforeEach(() => localStorage.clear());

  it("works on a page with default-src 'self'; script-src 'self'; style-src 'self'; require-trusted-types-for 'script', with no violation", async function () {
    this.timeout(30_000);
    const result = await runHostPage(`${url}/__test/csp-host.html`, 'csp-host', 'width: 400px; height: 600px; border: 0;');
    expect(result.failure, 'the page ran to the end').to.equal(undefined);
    expect(result.violations, 'CSP and Trusted Types violations').to.deep.equal([]);
    expect(result.errors, 'uncaught errors').to.deep.equal([]);
    expect(result.ok).to.equal(true);
    expect(result.trustedTypes).to.equal(true);
    expect(result.title).to.equal('From a strict page');
  });

  it('holds two widgets on one page, each with its own customer, locale and connection', async () => {
    const ana = await server.customer('Ana');
    const ben = await server.customer('Ben');
    await openTicket(ana, 'Ana only');
    await openTicket(ben, 'Ben only');
    const page = await fixture<HTMLDivElement>(html`<div>
      <ticket-widget id="floating" server=${url} token=${ana.token}></ticket-widget>
      <ticket-widget id="inline" server=${url} token=${ben.token} mode="inline" locale="de"></ticket-widget>
    </div>`);
    const floating = page.querySelector<TicketWidget>('#floating')!;
    const inline = page.querySelector<TicketWidget>('#inline')!;
    await floating.open();
    const titles = (widget: TicketWidget) => deepAll(widget, ['ticket-panel', 'ticket-list'], '.title').map((el) => el.textContent);
    await until(() => titles(floating).length && titles(inline).length, 'both lists');
    expect(titles(floating)).to.deep.equal(['Ana only']);
    expect(titles(inline)).to.deep.equal(['Ben only']);
    // German from its first render: never a flash of English while the locale loads.
    expect(deep(inline, 'ticket-panel', 'ticket-list', 'h3')!.textContent).to.equal('Meine Tickets');
    expect(deep(floating, 'ticket-panel', 'ticket-list', 'h3')!.textContent).to.equal('My tickets');
    expect(deep(inline, '[part=launcher]')).to.equal(null);
    await until(() => [floating, inline].every((w) => deep(w, 'ticket-panel', '[part=connection]')?.textContent?.trim() === 'Live'), 'both live');
    floating.close();
    expect(deep<HTMLElement>(inline, 'ticket-panel')!.hidden).to.equal(false);
  });

  it("keeps the page's CSS out, even !important rules on every element", async () => {
    const customer = await server.customer();
    await openTicket(customer, 'Styled page');
    const hostile = document.createElement('style');
    hostile.textContent = `
      * { color: rgb(255, 0, 0) !important; font-family: serif !important; font-size: 40px !important;
          letter-spacing: 4px !important; text-transform: uppercase !important; line-height: 5 !important; }
      button { background: rgb(0, 255, 0) !important; border: 6px solid rgb(0, 255, 0) !important; }
      h2, h3, li, p { margin: 50px !important; }`;
    document.head.append(hostile);
    try {
      const widget = await fixture<TicketWidget>(html`<ticket-widget server=${url} token=${customer.token}></ticket-widget>`);
      await widget.open();
      const list = await viewReady(widget, 'ticket-list');
      const item = await until(() => deep(list, '.item'), 'the list');
      const title = deep(list, 'h3')!;
      const heading = deep(widget, 'ticket-panel', 'h2')!;
      const launcher = deep(widget, '[part=launcher]')!;
      for (const element of [item, title, heading, launcher]) {
        const style = getComputedStyle(element);
        expect(style.color, `${element.localName} color`).to.not.equal('rgb(255, 0, 0)');
        expect(style.fontSize, `${element.localName} font-size`).to.not.equal('40px');
        expect(style.letterSpacing, `${element.localName} letter-spacing`).to.equal('normal');
        expect(style.textTransform, `${element.localName} text-transform`).to.equal('none');
        expect(style.fontFamily, `${element.localName} font-family`).to.not.equal('serif');
      }
      expect(getComputedStyle(item).backgroundColor).to.not.equal('rgb(0, 255, 0)');
      expect(getComputedStyle(title).marginTop).to.equal('0px');
      expect(getComputedStyle(heading).color).to.equal('rgb(255, 255, 255)');
    } finally {
      hostile.remove();
    }
  });

  it('takes the theme from --ticket-* custom properties and ::part rules, through every shadow root', async () => {
    const customer = await server.customer();
    await openTicket(customer, 'Themed');
    const theme = document.createElement('style');
    theme.textContent = `
      ticket-widget.themed { --ticket-accent: rgb(10, 125, 82); --ticket-radius: 3px; }
      ticket-widget.themed::part(launcher) { border-radius: 16px; }
      ticket-widget.themed::part(item) { background: rgb(250, 240, 200); }
      ticket-widget.themed::part(title) { font-style: italic; }`;
    document.head.append(theme);
    try {
      const widget = await fixture<TicketWidget>(html`<ticket-widget class="themed" server=${url} token=${customer.token}></ticket-widget>`);
      await widget.open();
      const item = await until(() => deep(widget, 'ticket-panel', 'ticket-list', '.item'), 'the list');
      expect(getComputedStyle(deep(widget, '[part=launcher]')!).backgroundColor).to.equal('rgb(10, 125, 82)');
      expect(getComputedStyle(deep(widget, '[part=launcher]')!).borderTopLeftRadius).to.equal('16px');
      expect(getComputedStyle(deep(widget, 'ticket-panel', 'header')!).backgroundColor).to.equal('rgb(10, 125, 82)');
      expect(getComputedStyle(deep(widget, 'ticket-panel', 'h2')!).fontStyle).to.equal('italic');
      expect(getComputedStyle(item).backgroundColor).to.equal('rgb(250, 240, 200)');
      expect(getComputedStyle(item).borderTopLeftRadius).to.equal('2px');
    } finally {
      theme.remove();
    }
  });

  it("keeps its own CSS in: the page's elements look the same, and no stylesheet is added to the page", async () => {
    const customer = await server.customer();
    const sample = await fixture<HTMLDivElement>(html`<div><p class="panel">page text</p><button class="button primary">page button</button><h3>page heading</h3><input /></div>`);
    const snapshot = () =>
      [...sample.querySelectorAll('*')].map((element) => {
        const style = getComputedStyle(element);
        return [style.color, style.backgroundColor, style.fontFamily, style.fontSize, style.padding, style.margin, style.border, style.position, style.display].join('|');
      });
    const before = snapshot();
    const sheets = [document.styleSheets.length, document.adoptedStyleSheets.length, document.head.children.length];
    const widget = await fixture<TicketWidget>(html`<ticket-widget server=${url} token=${customer.token}></ticket-widget>`);
    await widget.open();
    await viewReady(widget, 'ticket-list');
    await widget.newTicket();
    await viewReady(widget, 'ticket-new');
    expect(snapshot()).to.deep.equal(before);
    expect([document.styleSheets.length, document.adoptedStyleSheets.length, document.head.children.length]).to.deep.equal(sheets);
  });

  it('is served as built: /widget.js revalidated, hashed chunks cached for a year, CORS for module scripts, compressed', async () => {
    const entry = await executeFetch('/widget.js', { 'accept-encoding': 'br, gzip' });
    expect(entry.status).to.equal(200);
    expect(entry.headers['content-type']).to.equal('text/javascript; charset=utf-8');
    expect(entry.headers['cache-control']).to.equal('no-cache');
    expect(entry.headers['access-control-allow-origin']).to.equal('*');
    expect(entry.headers['cross-origin-resource-policy']).to.equal('cross-origin');
    expect(entry.headers['x-content-type-options']).to.equal('nosniff');
    expect(entry.headers['content-encoding']).to.equal('br');
    expect(entry.headers.etag).to.match(/^"[\w-]+"$/);
    expect((await executeFetch('/widget.js', { 'if-none-match': entry.headers.etag! })).status).to.equal(304);

    const plain = await executeFetch('/widget.js');
    const chunk = /import\(`\.\/(widget\/assets\/ticket-panel-[\w-]+\.js)`\)/.exec(plain.text)?.[1];
    expect(chunk, 'the lazy chunk named in widget.js').to.be.a('string');
    const lazy = await executeFetch(`/${chunk}`, { 'accept-encoding': 'gzip' });
    expect(lazy.status).to.equal(200);
    expect(lazy.headers['cache-control']).to.equal('public, max-age=31536000, immutable');
    expect(lazy.headers['content-encoding']).to.equal('gzip');
    expect(lazy.headers['access-control-allow-origin']).to.equal('*');

    const missing = await executeFetch('/widget/assets/nope-123.js');
    expect(missing.status).to.equal(404);
    expect(JSON.parse(missing.text).error.code).to.equal('not_found');
    expect((await executeFetch('/widget/assets/..%2F..%2Fpackage.json')).status).to.equal(404);

    // Everything a page can load keeps to the budgets (npm run bench:widget prints the details).
    const seen = new Map<string, number>();
    const visit = async (path: string): Promise<void> => {
      if (seen.has(path)) return;
      seen.set(path, (await executeFetch(path, { 'accept-encoding': 'gzip' })).bytes);
      const { text } = await executeFetch(path);
      for (const [, relative] of text.matchAll(/(?:import\(`|from"|import")(\.{1,2}\/[^`"]+\.js)/g)) await visit(new URL(relative!, `http://x${path}`).pathname);
    };
    await visit('/widget.js');
    expect(seen.size, 'files reachable from widget.js').to.be.greaterThan(2);
    expect(seen.get('/widget.js'), 'first script, gzip bytes').to.be.at.most(12 * 1024);
    expect([...seen.values()].reduce((sum, bytes) => sum + bytes, 0), 'everything, gzip bytes').to.be.at.most(35 * 1024);
    // The lazy chunks never import the first script back (widget.js?v=2 must not load it twice).
    for (const path of seen.keys()) if (path !== '/widget.js') expect((await executeFetch(path)).text).to.not.match(/widget\.js/);

    // And a page on another origin (this one) loads it as a module script, CORS mode.
    const module = await import(/* @vite-ignore */ `${url}/widget.js`);
    expect(module.TicketWidget).to.be.a('function');
  });
});

function executeFetch(path: string, headers: Record<string, string> = {}) {
  return import('@web/test-runner-commands').then(({ executeServerCommand }) =>
    executeServerCommand<{ status: number; headers: Record<string, string>; bytes: number; text: string }, { path: string; headers: Record<string, string> }>('api:fetch', { path, headers }),
  );
}
