/**
 * What the console's browser tests share: team members (with a password, or taken off the team),
 * a <ticket-console> mounted on a given URL, waiting for its views, and reaching its parts — the
 * workspace, the list and its cards, the filters, the detail pane — through the shadow roots.
 */
/// <reference types="mocha" />
import { executeServerCommand } from '@web/test-runner-commands';
import type { TicketConsole } from '../../../widget/ticket-console.ts';
import type { ConsoleTicketList } from '../../../widget/console/list/console-ticket-list.ts';
import type { ConsoleListFilters } from '../../../widget/console/list/console-list-filters.ts';
import type { ConsoleWorkspace } from '../../../widget/console/shell/console-workspace.ts';
import '../../../widget/ticket-console.ts';
import { deep, server, until, type TestCustomer } from './browser.ts';

export { deep, deepActiveElement, fill, openTicket, runHostPage, server, until, type TestCustomer } from './browser.ts';

export const team = {
  /** A team member who signs in with email and password. */
  withPassword: (password: string, name = 'Agent Smith', role: 'agent' | 'admin' = 'agent') =>
    executeServerCommand<TestCustomer, { password: string; name: string; role: string }>('api:agent-with-password', { password, name, role }),
  /** Takes a member off the team (their token then speaks for a customer). */
  leave: (id: string) => executeServerCommand<boolean, { id: string }>('api:leave-team', { id }),
};

/** Letters only, so the server's text search sees one word: scopes a test's tickets in a shared database. */
export function uniqueWord(prefix = 'zq'): string {
  return prefix + Array.from({ length: 8 }, () => String.fromCharCode(97 + Math.floor(Math.random() * 26))).join('');
}

/** Puts a query string on the test page's URL (the console reads its view from there). */
export function setSearch(search: string): void {
  history.replaceState(null, '', `${location.pathname}${search ? `?${search.replace(/^\?/, '')}` : ''}`);
}

export interface MountOptions {
  token?: string;
  locale?: string;
  /** The page's query string when the console starts (filters, ticket). */
  search?: string;
}

/** A console on the page, pointed at the test server. */
export async function mountConsole(options: MountOptions = {}): Promise<TicketConsole> {
  const { fixture, html } = await import('@open-wc/testing');
  const { url } = await server.info();
  setSearch(options.search ?? '');
  const element = await fixture<TicketConsole>(html`<ticket-console server=${url} token=${options.token ?? ''} locale=${options.locale ?? 'en'}></ticket-console>`);
  await element.updateComplete;
  return element;
}

export const workspaceOf = (element: TicketConsole) => deep<ConsoleWorkspace>(element, 'console-workspace');
export const listOf = (element: TicketConsole) => deep<ConsoleTicketList>(element, 'console-workspace', 'console-ticket-list');
export const filtersOf = (element: TicketConsole) => deep<ConsoleListFilters>(element, 'console-workspace', 'console-ticket-list', 'console-list-filters');
export const detailOf = (element: TicketConsole) => deep<HTMLElement & { updateComplete: Promise<unknown> }>(element, 'console-workspace', 'console-ticket-detail');

/** The list, once it has loaded (for the current filters). */
export async function listReady(element: TicketConsole): Promise<ConsoleTicketList> {
  const list = await until(() => listOf(element), '<console-ticket-list>');
  await until(() => list.store?.phase === 'ready', 'the list to load');
  await list.updateComplete;
  return list;
}

/** A console signed in with a team member's token, its list loaded. */
export async function openConsole(token: string, options: Omit<MountOptions, 'token'> = {}) {
  const element = await mountConsole({ ...options, token });
  const list = await listReady(element);
  return { element, list };
}

export function cards(list: ConsoleTicketList): HTMLElement[] {
  return [...list.shadowRoot!.querySelectorAll<HTMLElement>('.card')];
}

export function titles(list: ConsoleTicketList): string[] {
  return cards(list).map((card) => card.querySelector('.title')!.textContent!.trim());
}

export function cardOf(list: ConsoleTicketList, title: string): HTMLElement {
  const card = cards(list).find((item) => item.querySelector('.title')!.textContent!.trim() === title);
  if (!card) throw new Error(`no card titled "${title}" (cards: ${titles(list).join(', ')})`);
  return card;
}

/** Waits until the list shows exactly these titles, in this order. */
export async function untilTitles(list: ConsoleTicketList, expected: string[], what = `the titles ${expected.join(', ')}`): Promise<void> {
  await until(() => JSON.stringify(titles(list)) === JSON.stringify(expected), what).catch((error: Error) => {
    throw new Error(`${error.message}; the list shows: ${titles(list).join(', ')}`);
  });
}

/** A select's value changed as a person would change it. */
export function choose(select: HTMLSelectElement, value: string): void {
  select.value = value;
  select.dispatchEvent(new Event('change', { bubbles: true, composed: true }));
}

/** Agent-side API calls that must succeed. */
export async function asAgent<T = any>(token: string, method: string, path: string, body?: unknown): Promise<T> {
  const { status, body: answer } = await server.call<T>(method, path, token, body);
  if (status >= 300) throw new Error(`${method} ${path}: ${status} ${JSON.stringify(answer)}`);
  return answer;
}
