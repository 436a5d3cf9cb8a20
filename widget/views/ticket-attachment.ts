/**
 * One attachment of a message: images as a thumbnail that opens full size, other files as a
 * button that saves them (the bytes come through attachment-blob.ts, with the customer's token).
 *
 * @summary An attachment in a thread.
 * @csspart attachment - the link or button
 */
import { html, LitElement, nothing } from 'lit';
import type { AttachmentView } from '../api/types.ts';
import type { Strings } from '../i18n/strings.ts';
import type { WidgetSession } from '../state/session.ts';
import { AttachmentBlob, isPreviewable } from './attachment-blob.ts';
import { sharedStyles } from './shared.styles.ts';
import { ticketAttachmentStyles } from './ticket-attachment.styles.ts';

export class TicketAttachment extends LitElement {
  static override properties = {
    attachment: { attribute: false },
    session: { attribute: false },
    strings: { attribute: false },
  };
  static override styles = [sharedStyles, ticketAttachmentStyles];

  declare attachment: AttachmentView;
  declare session: WidgetSession;
  declare strings: Strings;
  readonly #bytes = new AttachmentBlob(this, () => ({ attachment: this.attachment, load: (id, signal) => this.session.api.attachment(id, signal) }));

  protected override render() {
    const { name, size, width, height } = this.attachment;
    const t = this.strings;
    const { url, failed } = this.#bytes;
    if (isPreviewable(this.attachment) && url) {
      return html`<a part="attachment" class="image" href=${url} target="_blank" rel="noopener" aria-label=${t.files.open(name)}>
        <img src=${url} alt=${name} width=${width ?? nothing} height=${height ?? nothing} />
      </a>`;
    }
    // The accessible name starts with what it does and contains the visible text (name, size) as it reads.
    return html`<button part="attachment" class="file" type="button" aria-label="${t.files.download(name)} ${t.bytes(size)}" @click=${() => this.#bytes.download()}>
      <span aria-hidden="true">📎</span><span class="name">${name}</span> <span class="muted">${t.bytes(size)}</span>
      ${failed ? html`<span class="error">!</span>` : nothing}
    </button>`;
  }
}

if (!customElements.get('ticket-attachment')) customElements.define('ticket-attachment', TicketAttachment);

declare global {
  interface HTMLElementTagNameMap {
    'ticket-attachment': TicketAttachment;
  }
}
