/**
 * What a newcomer sees, end to end. `npm start` with no configuration (a fresh temporary working
 * directory, a free port): it prints the URLs, and health, widget, console, API document, API
 * docs and both demo pages answer. Then issue 8's journey, in Chromium against that server: a customer on the
 * demo product page opens the widget and creates a ticket from a template with a screenshot
 * attached; it appears live in the console; the agent assigns it, adds an internal note and
 * replies; the customer sees the reply live and never the note; the agent asks the customer, the
 * customer answers and the ticket moves back to open as the status rules say; the agent resolves
 * it and the customer sees the resolved banner. Once at desktop size, once on a 390×844 phone.
 * Every step leaves a screenshot in tests/e2e/screenshots/. Last, a restart keeps everything and
 * seeds nothing twice.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Locator, Page } from 'playwright-core';
import { chartScreenshotPng } from '../../demo/seed-image.ts';
import { launchChromium, screenshotter, watchedPage, type WatchedPage } from './support/browser.ts';
import { startDemoServer, type DemoServer } from './support/demo-server.ts';

let server: DemoServer;
let browser: Browser;

beforeAll(async () => {
  server = await startDemoServer();
  browser = await launchChromium();
});

afterAll(async () => {
  await browser?.close();
  await server?.stop({ removeData: true });
});

const live = { timeout: 20_000 };

interface Journey {
  name: string;
  viewport: { width: number; height: number };
  customer: 'customer-1' | 'customer-2';
  agent: 'agent-1' | 'agent-2';
  agentName: string;
}

/** Runs one step; a failure names the step, and each step ends with screenshots. */
function stepper(journey: Journey) {
  const shoot = screenshotter(journey.name);
  return async (name: string, action: () => Promise<void>, pages: Page[]) => {
    try {
      await action();
    } catch (error) {
      for (const page of pages) await shoot(page, `FAILED-${name}`).catch(() => undefined);
      throw new Error(`Step "${name}" failed: ${error instanceof Error ? error.message : String(error)}`, { cause: error });
    }
    for (const page of pages) await shoot(page, name);
  };
}

/** The customer's widget panel: the panel's regions are in open shadow roots, which locators pierce. */
const widget = (page: Page): Locator => page.locator('ticket-widget');
const detail = (page: Page): Locator => page.locator('console-ticket-detail');

/** Scrolls what a step is about into the middle of its scroller, for the step's screenshot. */
async function showInPicture(target: Locator): Promise<void> {
  await target.evaluate((element) => element.scrollIntoView({ block: 'center' }));
  await target.page().waitForTimeout(100);
}

async function runJourney(journey: Journey): Promise<void> {
  const step = stepper(journey);
  const customerContext = await browser.newContext({ viewport: journey.viewport, deviceScaleFactor: 1 });
  const teamContext = await browser.newContext({ viewport: journey.viewport, deviceScaleFactor: 1 });
  const customer: WatchedPage = await watchedPage(customerContext);
  const team: WatchedPage = await watchedPage(teamContext);
  const title = `Dashboard export is blank (${journey.name})`;
  const note = `Internal: looks like the export worker, checking logs (${journey.name}).`;
  const reply = `Thanks for the screenshot! We are looking into the export now (${journey.name}).`;
  const question = `Does it also happen with a shorter date range? (${journey.name})`;
  const answer = `Only with a full year; a quarter works fine (${journey.name}).`;

  try {
    await step('product-page', async () => {
      await customer.page.goto(`${server.url}/demo/?as=${journey.customer}`);
      await expect.poll(() => widget(customer.page).getByRole('button', { name: /^Support/ }).count(), live).toBe(1);
    }, [customer.page]);

    await step('console-signed-in', async () => {
      await team.page.goto(`${server.url}/demo/console?as=${journey.agent}`);
      await team.page.getByText('Revenue chart stops at March 14').first().waitFor(live);
    }, [team.page]);

    await step('widget-open', async () => {
      await widget(customer.page).getByRole('button', { name: /^Support/ }).click();
      await widget(customer.page).getByRole('button', { name: 'New ticket' }).waitFor(live);
    }, [customer.page]);

    await step('new-ticket-filled', async () => {
      const panel = widget(customer.page);
      await panel.getByRole('button', { name: 'New ticket' }).click();
      await panel.getByLabel('What is it about?').selectOption({ label: 'Report a problem' });
      await panel.getByLabel('Browser').selectOption('Chrome');
      await panel.getByLabel('Link to the dashboard').fill('https://app.lumen.test/d/exports');
      await panel.getByLabel('Subject').fill(title);
      await panel.getByLabel('How can we help?').fill('The yearly export downloads an empty file. Screenshot of the chart attached.');
      await panel.locator('input[type=file]').setInputFiles({ name: 'blank-export.png', mimeType: 'image/png', buffer: chartScreenshotPng([10, 125, 82]) });
      await panel.getByText('blank-export.png').first().waitFor(live);
    }, [customer.page]);

    await step('ticket-created', async () => {
      const panel = widget(customer.page);
      await panel.getByRole('button', { name: 'Send ticket' }).click();
      await panel.getByRole('heading', { name: title }).waitFor(live);
      await panel.getByRole('img', { name: 'blank-export.png' }).waitFor(live);
    }, [customer.page]);

    await step('console-sees-it-live', async () => {
      await team.page.getByText(title).first().waitFor(live);
    }, [team.page]);

    await step('agent-assigns', async () => {
      await team.page.getByText(title).first().click();
      const pane = detail(team.page);
      await pane.getByRole('heading', { name: title }).waitFor(live);
      await pane.getByRole('button', { name: 'Assign to me' }).click();
      await expect.poll(async () => (await pane.getByLabel('Assignee').locator('option:checked').textContent())?.trim(), live).toBe(journey.agentName);
      await pane.getByRole('img', { name: 'blank-export.png' }).first().waitFor(live);
    }, [team.page]);

    await step('agent-adds-note', async () => {
      const pane = detail(team.page);
      await pane.getByRole('radio', { name: 'Internal note' }).check();
      await pane.getByPlaceholder('Write a note only the team sees').fill(note);
      await pane.getByRole('button', { name: 'Add note' }).click();
      await pane.getByText(note, { exact: true }).waitFor(live);
    }, [team.page]);

    await step('agent-replies', async () => {
      const pane = detail(team.page);
      await pane.getByRole('radio', { name: 'Reply to customer' }).check();
      await pane.getByPlaceholder('Write a reply the customer will see').fill(reply);
      await pane.getByRole('button', { name: 'Send reply' }).click();
      await pane.getByText(reply, { exact: true }).waitFor(live);
    }, [team.page]);

    await step('customer-sees-reply-live', async () => {
      const panel = widget(customer.page);
      await panel.getByText(reply, { exact: true }).waitFor(live);
      await showInPicture(panel.getByText(reply, { exact: true }));
      // The note was written before the reply: had it leaked, it would be on screen by now.
      expect(await panel.getByText(note, { exact: true }).count()).toBe(0);
    }, [customer.page]);

    await step('agent-asks-and-waits', async () => {
      const pane = detail(team.page);
      await pane.getByPlaceholder('Write a reply the customer will see').fill(question);
      await pane.getByRole('button', { name: 'Send reply' }).click();
      await pane.getByText(question, { exact: true }).waitFor(live);
      await pane.getByLabel('Status').selectOption('waiting_on_customer');
      const banner = widget(customer.page).getByText('We are waiting for your reply.');
      await banner.waitFor(live);
      await showInPicture(banner);
    }, [team.page, customer.page]);

    await step('customer-replies-ticket-reopens', async () => {
      const panel = widget(customer.page);
      await panel.getByLabel('Your reply').fill(answer);
      await panel.getByRole('button', { name: 'Send', exact: true }).click();
      await panel.getByText(answer, { exact: true }).waitFor(live);
      const pane = detail(team.page);
      await pane.getByText(answer, { exact: true }).waitFor(live);
      // The rule: a customer's reply on a ticket waiting on them moves it back to open.
      await expect.poll(() => pane.getByLabel('Status').inputValue(), live).toBe('open');
      await expect.poll(() => panel.getByText('We are waiting for your reply.').count(), live).toBe(0);
    }, [customer.page, team.page]);

    await step('agent-resolves', async () => {
      await detail(team.page).getByLabel('Status').selectOption('resolved');
      const banner = widget(customer.page).getByText('This ticket is resolved — reply to reopen it.');
      await banner.waitFor(live);
      await showInPicture(banner);
      expect(await widget(customer.page).getByText(note, { exact: true }).count()).toBe(0);
    }, [team.page, customer.page]);

    // The careful site owner's policy held: nothing was refused, nothing threw.
    expect(customer.violations, 'CSP violations on the product page').toEqual([]);
    expect(customer.errors, 'errors on the product page').toEqual([]);
    expect(team.violations, 'CSP violations on the console page').toEqual([]);
  } finally {
    await customerContext.close();
    await teamContext.close();
  }
}

describe('npm start on a fresh clone', () => {
  it('prints where everything is', () => {
    const printed = server.output();
    for (const line of [`API docs:  ${server.url}/api/v1/docs`, `OpenAPI:   ${server.url}/api/v1/openapi.json`, `Health:    ${server.url}/healthz`, `Demo page: ${server.url}/demo/`, `Console:   ${server.url}/demo/console`, 'agent@demo.test']) {
      expect(printed).toContain(line);
    }
    expect(printed).toContain('demo data seeded just now');
  });

  it('answers 200 on health, widget, console, API document, API docs and the demo pages', async () => {
    for (const path of ['/healthz', '/widget.js', '/console.js', '/api/v1/openapi.json', '/api/v1/docs', '/demo/', '/demo/console', '/']) {
      const response = await fetch(`${server.url}${path}`);
      expect(response.status, path).toBe(200);
      await response.arrayBuffer();
    }
    expect((await (await fetch(`${server.url}/api/v1/openapi.json`)).json()).paths).not.toHaveProperty('/demo/token');
  });
});

describe('the demo journey: a customer and an agent, live, in Chromium', () => {
  it('works at desktop size', () => runJourney({ name: 'desktop', viewport: { width: 1366, height: 900 }, customer: 'customer-1', agent: 'agent-1', agentName: 'Priya Raman' }));
  it('works on a 390×844 phone', () => runJourney({ name: 'phone', viewport: { width: 390, height: 844 }, customer: 'customer-2', agent: 'agent-2', agentName: 'Marco Bianchi' }));
});

describe('a restart', () => {
  it('keeps the data and does not seed twice', async () => {
    const token = async (user: string) => ((await (await fetch(`${server.url}/demo/token`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ user }) })).json()) as { token: string }).token;
    const titles = async () => {
      const page = (await (await fetch(`${server.url}/api/v1/tickets?limit=100`, { headers: { authorization: `Bearer ${await token('admin')}` } })).json()) as { items: { title: string }[] };
      return page.items.map((ticket) => ticket.title).sort();
    };
    const before = await titles();
    expect(before).toContain('Dashboard export is blank (desktop)');
    const cwd = server.cwd;
    await server.stop();
    server = await startDemoServer({ cwd });
    expect(server.output()).toContain('demo data kept from an earlier start');
    expect(await titles()).toEqual(before);
  });
});
