/**
 * One ticket's conversation: the customer's and the team's messages with their attachments, a
 * banner that says what the status means for the customer, replies still on their way (queued
 * while offline, sending, or refused), and the composer. New team replies are read out through
 * a polite live region.
 *
 * @summary A ticket's thread and the reply composer.
 * @csspart thread - the list of messages
 * @csspart message - one message (also message-customer or message-team)
 * @csspart attachment - an attachment
 * @csspart banner - what the status means ("resolved — reply to reopen")
 * @csspart status - the status badge
 * @csspart composer - the reply form
 */
import { html, LitElement, nothing, type PropertyValues } from 'lit';
import type { MessageView } from '../api/types.ts';
import { absoluteTime, relativeTime } from '../i18n/format.ts';
import type { Strings } from '../i18n/strings.ts';
import type { QueuedReply } from '../state/outbox.ts';
import type { WidgetSession } from '../state/session.ts';
import { SessionController } from '../state/session-controller.ts';
import { describeFailure } from './describe-failure.ts';
import { FileDropController } from './file-drop-controller.ts';
import { NavigateEvent } from './navigate-event.ts';
import { dropOverlayStyles, sharedStyles } from './shared.styles.ts';
import './ticket-attachment.ts';
import { progressPerFile, type TicketFiles } from './ticket-files.ts';
import './ticket-files.ts';
import { ticketThreadStyles } from './ticket-thread.styles.ts';

export class TicketThread extends LitElement {
  static override properties = {
    session: { attribute: false },
    strings: { attribute: false },
    ticketId: { attribute: false },
    canSend: { state: true },
  };
  static override styles = [sharedStyles, dropOverlayStyles, ticketThreadStyles];

  declare session: WidgetSession;
  declare strings: Strings;
  declare ticketId: string;
  declare canSend: boolean;
  #shownCount = 0;
  readonly #drop = new FileDropController(this, (files) => this.#files()?.add(files));

  constructor() {
    super();
    this.canSend = false;
    new SessionController(this, () => this.session);
  }

  focusHeading(): void {
    this.renderRoot.querySelector('h3')?.focus();
  }

  protected override willUpdate(changed: PropertyValues<this>): void {
    if (changed.has('ticketId') && this.ticketId) {
      this.#shownCount = 0;
      void this.session.loadThread(this.ticketId);
    }
  }

  protected override updated(): void {
    // Keep the newest message in view as messages arrive.
    const count = this.session.thread(this.ticketId).messages.length + this.session.pendingReplies(this.ticketId).length;
    if (count > this.#shownCount) {
      this.renderRoot.querySelector('.messages > li:last-child')?.scrollIntoView({ block: 'nearest' });
    }
    this.#shownCount = count;
  }

  #files(): TicketFiles | null {
    return this.renderRoot.querySelector('ticket-files');
  }

  #send(event?: Event): void {
    event?.preventDefault();
    const textarea = this.renderRoot.querySelector('textarea')!;
    const files = this.#files();
    const text = textarea.value.trim();
    if (!text) {
      textarea.focus();
      return;
    }
    this.session.reply(this.ticketId, text, files?.files ?? []);
    textarea.value = '';
    files?.clear();
    this.canSend = false;
    textarea.focus();
  }

  #message(message: MessageView) {
    const t = this.strings;
    const team = message.sender.fromTeam;
    return html`<li part="message ${team ? 'message-team' : 'message-customer'}" class="message ${team ? 'team' : 'customer'}">
      <p class="meta">
        <span class="sender">${team ? message.sender.name ?? t.thread.team : t.thread.you}</span>
        <time datetime=${message.createdAt} title=${absoluteTime(message.createdAt, t.locale)}>${relativeTime(message.createdAt, t.locale)}</time>
      </p>
      <p class="text">${message.message}</p>
      ${message.attachments.length
        ? html`<div class="attachments">${message.attachments.map((attachment) => html`<ticket-attachment exportparts="attachment" .attachment=${attachment} .session=${this.session} .strings=${t}></ticket-attachment>`)}</div>`
        : nothing}
    </li>`;
  }

  #queued(reply: QueuedReply) {
    const t = this.strings;
    const outbox = this.session.outbox!;
    const state = outbox.stateOf(reply);
    const progress = outbox.progressOf(reply);
    const files = outbox.filesOf(reply);
    const perFile = progress ? progressPerFile(files, progress.loaded, progress.total) : undefined;
    const failure = reply.failure;
    return html`<li part="message message-customer" class="message customer pending ${state}" data-key=${reply.key}>
      <p class="meta"><span class="sender">${t.thread.you}</span><span class="state">${state === 'failed' ? t.thread.notSent : state === 'sending' ? t.thread.sending : t.thread.queued}</span></p>
      <p class="text">${reply.message}</p>
      ${reply.fileNames.length
        ? html`<ul class="pending-files">${reply.fileNames.map((name, index) => html`<li>📎 ${name}${perFile ? html` <progress max="1" .value=${perFile[index] ?? 0} aria-label=${t.files.uploading(name)}></progress>` : nothing}</li>`)}</ul>`
        : nothing}
      ${failure
        ? html`<p class="error" role="alert">${failure.code === 'files_lost' ? t.files.lost : describeFailure({ code: failure.code }, t)}</p>
            <p class="actions">
              <button part="button" class="button" type="button" @click=${() => outbox.retry(reply.key)}>${t.thread.retry}</button>
              <button part="button" class="button" type="button" @click=${() => outbox.discard(reply.key)}>${t.thread.discard}</button>
            </p>`
        : nothing}
    </li>`;
  }

  protected override render() {
    const t = this.strings;
    const session = this.session;
    const thread = session.thread(this.ticketId);
    const ticket = thread.ticket ?? session.tickets.get(this.ticketId);
    const queued = session.pendingReplies(this.ticketId);
    const closed = ticket?.status === 'closed';
    const banner = ticket ? t.thread.banner[ticket.status] : '';
    const announcement = session.announcement?.ticketId === this.ticketId ? session.announcement : undefined;
    return html`
      ${this.#drop.dragging && !closed ? html`<div class="drop" aria-hidden="true">${t.files.dropHere}</div>` : nothing}
      <div class="top">
        <button part="button" class="link back" type="button" @click=${() => this.dispatchEvent(new NavigateEvent({ view: 'list' }))}>${t.back}</button>
        <div class="heading">
          <h3 tabindex="-1">${ticket?.title ?? ''}</h3>
          ${ticket ? html`<span part="status" class="badge">${t.status[ticket.status]}</span>` : nothing}
        </div>
        ${banner ? html`<p part="banner" class="banner ${ticket?.status}">${banner}</p>` : nothing}
      </div>
      ${thread.status === 'error' ? html`<p class="alert" role="alert">${describeFailure(thread.error, t)}</p>` : nothing}
      ${thread.status === 'loading' && !thread.messages.length ? html`<p class="muted" role="status">${t.thread.loading}</p>` : nothing}
      <ol part="thread" class="messages">${thread.messages.map((message) => this.#message(message))}${queued.map((reply) => this.#queued(reply))}</ol>
      <div class="visually-hidden" aria-live="polite">${announcement ? t.thread.newReply(announcement.sender.name ?? t.thread.team, announcement.message) : ''}</div>
      ${closed
        ? nothing
        : html`<form part="composer" class="composer" @submit=${this.#send}>
            <label for="reply" class="visually-hidden">${t.thread.reply}</label>
            <textarea id="reply" rows="3" placeholder=${t.thread.reply} aria-describedby="send-hint"
              @input=${(event: Event) => (this.canSend = (event.target as HTMLTextAreaElement).value.trim() !== '')}
              @keydown=${(event: KeyboardEvent) => {
                if (event.key === 'Enter' && (event.ctrlKey || event.metaKey)) this.#send(event);
              }}></textarea>
            <div class="composer-actions">
              <ticket-files exportparts="button, attachment" .strings=${t}></ticket-files>
              <span id="send-hint" class="muted hint">${t.thread.sendHint}</span>
              <button part="primary-button" class="button primary" type="submit" ?disabled=${!this.canSend}>${t.thread.send}</button>
            </div>
          </form>`}
    `;
  }
}

if (!customElements.get('ticket-thread')) customElements.define('ticket-thread', TicketThread);

declare global {
  interface HTMLElementTagNameMap {
    'ticket-thread': TicketThread;
  }
}
