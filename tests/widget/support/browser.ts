/**
 * What the browser tests share: the real server behind `executeServerCommand` (tokens, calls as
 * an agent, stopping and starting it), waiting for a condition, and reaching into the widget's
 * nested shadow roots.
 */
/// <reference types="mocha" />
import { executeServerCommand } from '@web/test-runner-commands';
import type { TicketWidget } from '../../../widget/ticket-widget.ts';
import '../../../widget/ticket-widget.ts';

export interface TestCustomer {
  id: string;
  email: string;
  token: string;
}

export interface CallResult<T = any> {
  status: number;
  body: T;
}

export const server = {
  info: () => executeServerCommand<{ url: string; running: boolean }, undefined>('api:info'),
  /** A new customer (or, with `id`, a fresh token for one), whose token lasts an hour or `expiresIn` seconds. */
  customer: (name?: string, expiresIn?: number, id?: string) =>
    executeServerCommand<TestCustomer, { name?: string; expiresIn?: number; id?: string }>('api:customer', { ...(name ? { name } : {}), ...(expiresIn ? { expiresIn } : {}), ...(id ? { id } : {}) }),
  agent: (name?: string, role: 'agent' | 'admin' = 'agent') => executeServerCommand<TestCustomer, { name?: string; role: string }>('api:agent', { ...(name ? { name } : {}), role }),
  call: <T = any>(method: string, path: string, token?: string, body?: unknown) =>
    executeServerCommand<CallResult<T>, { method: string; path: string; token?: string; body?: unknown }>('api:call', { method, path, ...(token ? { token } : {}), ...(body !== undefined ? { body } : {}) }),
  stop: () => executeServerCommand<boolean, undefined>('api:stop'),
  start: () => executeServerCommand<boolean, undefined>('api:start'),
};

/** Opens a ticket for a customer through the API; returns it. */
export async function openTicket(customer: TestCustomer, title: string, description = 'Details.') {
  const { status, body } = await server.call('POST', '/tickets', customer.token, { title, description });
  if (status !== 201) throw new Error(`could not open a ticket: ${status} ${JSON.stringify(body)}`);
  return body as { id: string; title: string };
}

export async function until<T>(check: () => T | undefined | null | false | Promise<T | undefined | null | false>, what = 'a condition', timeoutMs = 10_000): Promise<T> {
  const started = Date.now();
  for (;;) {
    const value = await check();
    if (value) return value;
    if (Date.now() - started > timeoutMs) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}

/**
 * What a strict-CSP host page reported (host-pages/csp-host-probe.ts): its own result, or the
 * failure that stopped it, and every CSP or Trusted Types violation and uncaught error it saw.
 */
export interface HostPageReport {
  type: string;
  ok: boolean;
  failure?: string;
  violations: string[];
  errors: string[];
  [result: string]: unknown;
}

/** Frames the host page at `src` (`style` sizes the frame) and waits for its report of `type`; the frame is removed afterwards. */
export async function runHostPage(src: string, type: string, style: string): Promise<HostPageReport> {
  const frame = document.createElement('iframe');
  frame.style.cssText = style;
  const report = new Promise<HostPageReport>((resolve) =>
    addEventListener('message', function listen(event: MessageEvent<HostPageReport>) {
      if (event.data?.type !== type) return;
      removeEventListener('message', listen);
      resolve(event.data);
    }),
  );
  frame.src = src;
  document.body.append(frame);
  try {
    return await report;
  } finally {
    frame.remove();
  }
}

/** Walks down through shadow roots: each selector is looked up in the previous match's shadow root. */
export function deep<T extends Element = HTMLElement>(root: Element | Document | ShadowRoot, ...selectors: string[]): T | null {
  let current: Element | Document | ShadowRoot | null = root;
  for (const selector of selectors) {
    // nodeType, not instanceof: elements in a frame belong to the frame's Element.
    const scope: ParentNode | null | undefined = current.nodeType === Node.ELEMENT_NODE ? (current as Element).shadowRoot : current;
    current = scope?.querySelector(selector) ?? null;
    if (!current) return null;
  }
  return current as T | null;
}

export function deepAll<T extends Element = HTMLElement>(root: Element, path: string[], selector: string): T[] {
  const parent = path.length ? deep(root, ...path) : root;
  return [...(parent?.shadowRoot?.querySelectorAll<T>(selector) ?? [])];
}

/** The panel's current view element (ticket-list, ticket-new, ticket-thread, ticket-guest). */
export function view<T extends HTMLElement = HTMLElement>(widget: TicketWidget, tag: string): T | null {
  return deep<T>(widget, 'ticket-panel', tag);
}

/** Waits for a view and its render. */
export async function viewReady<T extends HTMLElement & { updateComplete: Promise<unknown> }>(widget: TicketWidget, tag: string): Promise<T> {
  const element = await until(() => view<T>(widget, tag), `<${tag}>`);
  await element.updateComplete;
  return element;
}

/** Sets a form control's value as typing would (input + change events). */
export function fill(control: HTMLInputElement | HTMLTextAreaElement | HTMLSelectElement, value: string): void {
  control.value = value;
  control.dispatchEvent(new Event('input', { bubbles: true, composed: true }));
  control.dispatchEvent(new Event('change', { bubbles: true, composed: true }));
}

/** The element that has focus, looking inside shadow roots. */
export function deepActiveElement(): Element | null {
  let active: Element | null = document.activeElement;
  while (active?.shadowRoot?.activeElement) active = active.shadowRoot.activeElement;
  return active;
}

/** A widget on the page, open, signed in as `token`, showing its list. */
export async function openWidget(url: string, token: string, attributes: Record<string, string> = {}) {
  const { fixture, html } = await import('@open-wc/testing');
  const widget = await fixture<TicketWidget>(html`<ticket-widget server=${url} token=${token}></ticket-widget>`);
  for (const [name, value] of Object.entries(attributes)) widget.setAttribute(name, value);
  await widget.open();
  await viewReady(widget, 'ticket-list');
  return widget;
}

/** A small PNG made on the spot. */
export async function pngFile(name = 'screenshot.png', size = 24): Promise<File> {
  const canvas = document.createElement('canvas');
  canvas.width = size;
  canvas.height = size;
  const context = canvas.getContext('2d')!;
  context.fillStyle = '#c0392b';
  context.fillRect(0, 0, size, size);
  const blob = await new Promise<Blob>((resolve) => canvas.toBlob((b) => resolve(b!), 'image/png'));
  return new File([blob], name, { type: 'image/png' });
}

export function textFile(name = 'notes.txt', text = 'Steps to reproduce:\n1. Open the app\n'): File {
  return new File([text], name, { type: 'text/plain' });
}

/** The next event of a type, typed by GlobalEventHandlersEventMap. */
export function nextEvent<K extends keyof GlobalEventHandlersEventMap>(target: EventTarget, type: K): Promise<GlobalEventHandlersEventMap[K]> {
  return new Promise((resolve) => target.addEventListener(type, (event) => resolve(event as GlobalEventHandlersEventMap[K]), { once: true }));
}
