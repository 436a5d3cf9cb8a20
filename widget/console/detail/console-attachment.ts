/**
 * One attachment in the console's thread: safe raster images as a thumbnail that opens full size,
 * anything else as a button that saves the file (the bytes come through the widget's
 * attachment-blob.ts, with the agent's token).
 *
 * @summary An attachment of a message.
 */
import { css, html, LitElement, nothing } from 'lit';
import type { AttachmentView } from '../../api/types.ts';
import { AttachmentBlob, isPreviewable } from '../../views/attachment-blob.ts';
import { detailStyles } from './detail.styles.ts';
import { clipIcon } from './detail-icons.ts';
import type { DetailStrings } from './detail-strings.ts';

const bytes = (size: number) => (size < 1024 ? `${size} B` : size < 1048576 ? `${Math.round(size / 1024)} KB` : `${(size / 1048576).toFixed(1)} MB`);

export class ConsoleAttachment extends LitElement {
  static override properties = { attachment: { attribute: false }, load: { attribute: false }, strings: { attribute: false } };
  static override styles = [
    detailStyles,
    css`
      :host { display: inline-block; max-inline-size: 100%; font-size: 14px; }
      .image { display: block; line-height: 0; border: 1px solid var(--tc-border); border-radius: 6px; overflow: hidden; }
      img { max-inline-size: 220px; max-block-size: 160px; object-fit: cover; }
      .file { display: inline-flex; gap: 6px; align-items: center; padding: 4px 10px; border: 1px solid var(--tc-border); border-radius: 999px; background: var(--tc-bg); }
    `,
  ];

  declare attachment: AttachmentView;
  declare load: (id: string, signal?: AbortSignal) => Promise<Blob>;
  declare strings: DetailStrings;
  readonly #bytes = new AttachmentBlob(this, () => ({ attachment: this.attachment, load: (id, signal) => this.load(id, signal) }));

  protected override render() {
    const { name, size, width, height } = this.attachment;
    const t = this.strings;
    const { url, failed } = this.#bytes;
    if (isPreviewable(this.attachment) && url) {
      return html`<a class="image" href=${url} target="_blank" rel="noopener" aria-label=${t.open(name)}><img src=${url} alt=${name} width=${width ?? nothing} height=${height ?? nothing} /></a>`;
    }
    return html`<button class="file" type="button" aria-label="${t.download(name)} ${bytes(size)}" @click=${() => this.#bytes.download()}>
      ${clipIcon}<span>${name}</span> <span class="muted">${bytes(size)}</span>${failed ? html`<span class="error" aria-hidden="true">!</span>` : nothing}
    </button>`;
  }
}

if (!customElements.get('console-attachment')) customElements.define('console-attachment', ConsoleAttachment);

declare global {
  interface HTMLElementTagNameMap {
    'console-attachment': ConsoleAttachment;
  }
}
