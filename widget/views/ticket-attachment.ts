/**
 * One attachment of a message. Downloads need the customer's token, so the bytes are fetched
 * and shown through a blob: URL (allowed under Trusted Types): images as a thumbnail that opens
 * full size, other files as a button that saves them.
 *
 * @summary An attachment in a thread.
 * @csspart attachment - the link or button
 */
import { html, LitElement, nothing } from 'lit';
import type { AttachmentView } from '../api/types.ts';
import type { Strings } from '../i18n/strings.ts';
import type { WidgetSession } from '../state/session.ts';
import { sharedStyles } from './shared.styles.ts';
import { ticketAttachmentStyles } from './ticket-attachment.styles.ts';

const previewable = /^image\/(png|jpeg|gif|webp)$/;

export class TicketAttachment extends LitElement {
  static override properties = {
    attachment: { attribute: false },
    session: { attribute: false },
    strings: { attribute: false },
    url: { state: true },
    failed: { state: true },
  };
  static override styles = [sharedStyles, ticketAttachmentStyles];

  declare attachment: AttachmentView;
  declare session: WidgetSession;
  declare strings: Strings;
  declare url: string | undefined;
  declare failed: boolean;
  #abort: AbortController | undefined;

  constructor() {
    super();
    this.url = undefined;
    this.failed = false;
  }

  get isImage(): boolean {
    return previewable.test(this.attachment.type);
  }

  override connectedCallback(): void {
    super.connectedCallback();
    if (this.isImage && !this.url) void this.#fetch();
  }

  override disconnectedCallback(): void {
    super.disconnectedCallback();
    this.#abort?.abort();
    if (this.url) URL.revokeObjectURL(this.url);
    this.url = undefined;
  }

  async #fetch(): Promise<string | undefined> {
    this.#abort = new AbortController();
    try {
      const blob = await this.session.api.attachment(this.attachment.id, this.#abort.signal);
      this.url = URL.createObjectURL(blob);
      this.failed = false;
    } catch {
      this.failed = !this.#abort.signal.aborted;
    }
    return this.url;
  }

  async #download(): Promise<void> {
    const url = this.url ?? (await this.#fetch());
    if (!url) return;
    const link = document.createElement('a');
    link.href = url;
    link.download = this.attachment.name;
    link.rel = 'noopener';
    this.renderRoot.appendChild(link);
    link.click();
    link.remove();
  }

  protected override render() {
    const { name, size, width, height } = this.attachment;
    const t = this.strings;
    if (this.isImage && this.url) {
      return html`<a part="attachment" class="image" href=${this.url} target="_blank" rel="noopener" aria-label=${t.files.open(name)}>
        <img src=${this.url} alt=${name} width=${width ?? nothing} height=${height ?? nothing} />
      </a>`;
    }
    // The accessible name starts with what it does and contains the visible text (name, size) as it reads.
    return html`<button part="attachment" class="file" type="button" aria-label="${t.files.download(name)} ${t.bytes(size)}" @click=${this.#download}>
      <span aria-hidden="true">📎</span><span class="name">${name}</span> <span class="muted">${t.bytes(size)}</span>
      ${this.failed ? html`<span class="error">!</span>` : nothing}
    </button>`;
  }
}

if (!customElements.get('ticket-attachment')) customElements.define('ticket-attachment', TicketAttachment);

declare global {
  interface HTMLElementTagNameMap {
    'ticket-attachment': TicketAttachment;
  }
}
