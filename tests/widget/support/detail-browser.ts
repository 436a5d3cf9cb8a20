/**
 * What the detail-pane and template-editor tests share: a real ConsoleClient for a token, the
 * pane mounted on a ticket and loaded, its parts reached through the shadow roots, a live feed
 * that forwards every event to the pane the way the console shell does, and taking a member off
 * the team (so the server refuses them as an assignee). A pane mounted alone has no
 * <ticket-console> around it to set the console's --tc-* tokens: the test page sets them instead.
 */
/// <reference types="mocha" />
import { fixture, html } from '@open-wc/testing';
import { executeServerCommand } from '@web/test-runner-commands';
import { css } from 'lit';
import { TokenSource } from '../../../widget/api/token-source.ts';
import type { MeView } from '../../../widget/api/types.ts';
import { createConsoleClient, type ConsoleClient } from '../../../widget/console/api/console-client.ts';
import type { ConsoleTicketDetail } from '../../../widget/console/detail/console-ticket-detail.ts';
import '../../../widget/console/detail/console-ticket-detail.ts';
import { consoleTokens } from '../../../widget/console/shell/console-tokens.styles.ts';
import { LiveClient } from '../../../widget/live/live-client.ts';
import { deep, server, until, type TestCustomer } from './browser.ts';

export { deep, deepActiveElement, fill, nextEvent, openTicket, pngFile, server, textFile, until, type TestCustomer } from './browser.ts';

document.adoptedStyleSheets = [...document.adoptedStyleSheets, css`:root { ${consoleTokens} }`.styleSheet!];

export async function clientFor(token: string): Promise<ConsoleClient> {
  const { url } = await server.info();
  return createConsoleClient(url, new TokenSource({ kind: 'token', token }, () => null));
}

export async function meOf(person: TestCustomer): Promise<MeView> {
  return (await server.call<MeView>('GET', '/me', person.token)).body;
}

/** The detail pane for `ticketId`, signed in as `agent`, once the ticket has loaded. */
export async function mountDetail(agent: TestCustomer, ticketId: string, locale: 'en' | 'de' | 'ar' = 'en'): Promise<ConsoleTicketDetail> {
  const client = await clientFor(agent.token);
  const me = await meOf(agent);
  const element = await fixture<ConsoleTicketDetail>(html`<console-ticket-detail .client=${client} .ticketId=${ticketId} .me=${me} locale=${locale}></console-ticket-detail>`);
  await until(() => element.ticket?.id === ticketId && element.shadowRoot!.querySelector('console-ticket-controls'), 'the ticket to load');
  await element.updateComplete;
  return element;
}

/** An element inside the pane: `part(detail, 'console-ticket-tags', '#tag-choice')`. */
export function part<T extends Element = HTMLElement>(detail: ConsoleTicketDetail, ...selectors: string[]): T {
  const found = deep<T>(detail, ...selectors);
  if (!found) throw new Error(`nothing at ${selectors.join(' > ')}`);
  return found;
}

/** Waits for the element at `selectors`, then returns it. */
export function partWhen<T extends Element = HTMLElement>(detail: ConsoleTicketDetail, ...selectors: string[]): Promise<T> {
  return until(() => deep<T>(detail, ...selectors), selectors.join(' > '));
}

/** Forwards every live event to the pane, as the console shell does; resolves once connected. */
export async function liveFeed(token: string, detail: ConsoleTicketDetail): Promise<LiveClient> {
  const { url } = await server.info();
  const live = new LiveClient({ url: `${url}/api/v1/live`, token: () => token, onEvent: (event) => detail.applyLiveEvent(event) });
  live.start();
  await until(() => live.state === 'live', 'the live connection');
  return live;
}

/**
 * Waits until the button `find` returns is there and enabled, then clicks it, as a person has to: a
 * control is disabled while its own write is in flight, and the server (and the live stream) has
 * the write before the control has its answer, so a click straight after the server shows it can
 * land on a disabled button and be lost.
 */
export async function clickWhenEnabled(find: () => HTMLButtonElement | null | undefined, what: string): Promise<void> {
  const button = await until(() => {
    const found = find();
    return found && !found.disabled ? found : null;
  }, `${what} enabled`);
  button.click();
}

/** `clickWhenEnabled` for the button at `selectors` inside the pane. */
export const press = (detail: ConsoleTicketDetail, ...selectors: string[]) => clickWhenEnabled(() => deep<HTMLButtonElement>(detail, ...selectors), selectors.join(' > '));

/** Takes a member off the team (the shell's command in api-server.ts). */
export const leaveTeam = (id: string) => executeServerCommand<boolean, { id: string }>('api:leave-team', { id });

/** Picks an option in a select as a person would (the change event is what the pane listens to). */
export function choose(select: HTMLSelectElement, value: string): void {
  select.focus();
  select.value = value;
  select.dispatchEvent(new Event('change', { bubbles: true, composed: true }));
}

export const ticketOf = async (token: string, id: string) => (await server.call('GET', `/tickets/${id}`, token)).body;

/** `count` messages "<prefix> 1".."<prefix> count" from `senderId`, written in one go (api-server's `api:messages`). */
export const addMessages = (ticketId: string, senderId: string, count: number, prefix: string) =>
  executeServerCommand<boolean, { ticketId: string; senderId: string; count: number; prefix: string }>('api:messages', { ticketId, senderId, count, prefix });
