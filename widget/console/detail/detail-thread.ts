/**
 * The ticket's thread for the team, oldest first: the customer's messages, the team's replies, and
 * internal notes, which look different in three ways at once (a tinted, dashed box, a lock icon and
 * the words "Internal note"), never by colour alone.
 *
 * @summary A ticket's messages with their attachments.
 * @csspart message - one message (also message-note for internal notes)
 */
import { css, html, LitElement, nothing, type PropertyValues } from 'lit';
import type { MessageView } from '../../api/types.ts';
import './console-attachment.ts';
import { lockIcon } from './detail-icons.ts';
import { detailStyles } from './detail.styles.ts';
import type { DetailStrings } from './detail-strings.ts';

export class ConsoleThread extends LitElement {
  static override properties = { messages: { attribute: false }, strings: { attribute: false }, locale: {}, load: { attribute: false } };
  static override styles = [
    detailStyles,
    css`
      ol { display: grid; gap: 10px; }
      .message { border: 1px solid var(--tc-border); border-radius: var(--tc-radius); padding: 8px 12px; background: var(--tc-bg); }
      .team { background: var(--tc-surface); }
      .note { background: var(--tc-note-bg); border: 2px dashed var(--tc-note-border); color: var(--tc-note-text); }
      .meta { display: flex; flex-wrap: wrap; gap: 8px; align-items: baseline; font-size: 13px; }
      .sender { font-weight: 700; }
      .kind { font-weight: 600; }
      .note .kind { text-transform: uppercase; letter-spacing: 0.03em; }
      .text { white-space: pre-wrap; overflow-wrap: anywhere; margin-block-start: 4px; }
      .attachments { display: flex; flex-wrap: wrap; gap: 6px; margin-block-start: 6px; }
      time { color: inherit; }
      .icon { align-self: center; }
    `,
  ];

  declare messages: MessageView[];
  declare strings: DetailStrings;
  declare locale: string;
  declare load: (id: string, signal?: AbortSignal) => Promise<Blob>;
  #shown = 0;

  protected override updated(changed: PropertyValues<this>): void {
    // Keep the newest message in view as messages arrive.
    if (changed.has('messages') && this.messages.length > this.#shown && this.#shown > 0) this.renderRoot.querySelector('li:last-child')?.scrollIntoView({ block: 'nearest' });
    this.#shown = this.messages.length;
  }

  #time(value: string) {
    return new Intl.DateTimeFormat(this.locale, { dateStyle: 'medium', timeStyle: 'short' }).format(new Date(value));
  }

  #message(message: MessageView) {
    const t = this.strings;
    const note = message.isInternal;
    const kind = note ? t.internalNote : message.sender.fromTeam ? t.teamLabel : t.customerLabel;
    return html`<li part="message${note ? ' message-note' : ''}" class="message ${note ? 'note' : message.sender.fromTeam ? 'team' : 'customer'}" data-id=${message.id} data-internal=${note}>
      <p class="meta">
        ${note ? lockIcon : nothing}<span class="kind">${kind}</span>
        <span class="sender">${message.sender.name ?? kind}</span>
        <time datetime=${message.createdAt}>${this.#time(message.createdAt)}</time>
      </p>
      <p class="text" dir="auto">${message.message}</p>
      ${message.attachments.length
        ? html`<div class="attachments">${message.attachments.map((attachment) => html`<console-attachment .attachment=${attachment} .load=${this.load} .strings=${t}></console-attachment>`)}</div>`
        : nothing}
    </li>`;
  }

  protected override render() {
    if (!this.messages.length) return html`<p class="muted">${this.strings.noMessages}</p>`;
    return html`<ol aria-label=${this.strings.thread}>${this.messages.map((message) => this.#message(message))}</ol>`;
  }
}

if (!customElements.get('console-thread')) customElements.define('console-thread', ConsoleThread);

declare global {
  interface HTMLElementTagNameMap {
    'console-thread': ConsoleThread;
  }
}
