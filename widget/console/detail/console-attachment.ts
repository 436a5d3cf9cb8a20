/**
 * One attachment in the console's thread. Files need the agent's token, so the bytes are fetched
 * and shown through a blob: URL: safe raster images as a thumbnail that opens full size, anything
 * else as a button that saves the file (the customer widget's approach, on the console's client).
 *
 * @summary An attachment of a message.
 */
import { css, html, LitElement, nothing } from 'lit';
import type { AttachmentView } from '../../api/types.ts';
import { detailStyles } from './detail.styles.ts';
import { clipIcon } from './detail-icons.ts';
import type { DetailStrings } from './detail-strings.ts';

const previewable = /^image\/(png|jpeg|gif|webp)$/;
const bytes = (size: number) => (size < 1024 ? `${size} B` : size < 1048576 ? `${Math.round(size / 1024)} KB` : `${(size / 1048576).toFixed(1)} MB`);

export class ConsoleAttachment extends LitElement {
  static override properties = { attachment: { attribute: false }, load: { attribute: false }, strings: { attribute: false }, url: { state: true }, failed: { state: true } };
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
  declare url: string | undefined;
  declare failed: boolean;
  #abort: AbortController | undefined;

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
    const abort = (this.#abort = new AbortController());
    try {
      this.url = URL.createObjectURL(await this.load(this.attachment.id, abort.signal));
      this.failed = false;
    } catch {
      this.failed = !abort.signal.aborted;
    }
    return this.url;
  }

  async #download(): Promise<void> {
    const url = this.url ?? (await this.#fetch());
    if (!url) return;
    const link = Object.assign(document.createElement('a'), { href: url, download: this.attachment.name, rel: 'noopener' });
    this.renderRoot.appendChild(link);
    link.click();
    link.remove();
  }

  protected override render() {
    const { name, size, width, height } = this.attachment;
    const t = this.strings;
    if (this.isImage && this.url) {
      return html`<a class="image" href=${this.url} target="_blank" rel="noopener" aria-label=${t.open(name)}><img src=${this.url} alt=${name} width=${width ?? nothing} height=${height ?? nothing} /></a>`;
    }
    return html`<button class="file" type="button" aria-label="${t.download(name)} ${bytes(size)}" @click=${this.#download}>
      ${clipIcon}<span>${name}</span> <span class="muted">${bytes(size)}</span>${this.failed ? html`<span class="error" aria-hidden="true">!</span>` : nothing}
    </button>`;
  }
}

if (!customElements.get('console-attachment')) customElements.define('console-attachment', ConsoleAttachment);

declare global {
  interface HTMLElementTagNameMap {
    'console-attachment': ConsoleAttachment;
  }
}
