/**
 * Files chosen for a ticket or a reply: a button that opens the picker, and the list with a
 * preview of each image, its size, its upload progress and a button to remove it. Dropped and
 * pasted files come in through `add()` (see FileDropController).
 *
 * @summary Attachments being chosen and uploaded.
 * @fires files-change - the chosen files changed (read `files`)
 * @csspart button - "Attach files"
 * @csspart attachment - one chosen file
 */
import { html, LitElement, nothing } from 'lit';
import type { Strings } from '../i18n/strings.ts';
import { sharedStyles } from './shared.styles.ts';
import { ticketFilesStyles } from './ticket-files.styles.ts';

export class TicketFiles extends LitElement {
  static override properties = {
    files: { attribute: false },
    progress: { attribute: false },
    strings: { attribute: false },
    disabled: { type: Boolean },
  };
  static override styles = [sharedStyles, ticketFilesStyles];

  declare files: File[];
  /** Per file, 0 to 1, while uploading. */
  declare progress: number[] | undefined;
  declare strings: Strings;
  declare disabled: boolean;
  readonly #previews = new Map<File, string>();

  constructor() {
    super();
    this.files = [];
    this.progress = undefined;
    this.disabled = false;
  }

  add(files: Iterable<File>): void {
    if (this.disabled) return;
    const added = [...files].filter((file) => !this.files.some((f) => f.name === file.name && f.size === file.size && f.lastModified === file.lastModified));
    if (!added.length) return;
    this.files = [...this.files, ...added];
    this.dispatchEvent(new Event('files-change', { bubbles: true }));
  }

  removeFile(file: File): void {
    this.files = this.files.filter((f) => f !== file);
    this.#revoke(file);
    this.dispatchEvent(new Event('files-change', { bubbles: true }));
    this.renderRoot.querySelector<HTMLButtonElement>('.attach')?.focus();
  }

  clear(): void {
    for (const file of this.files) this.#revoke(file);
    this.files = [];
    this.progress = undefined;
  }

  override disconnectedCallback(): void {
    super.disconnectedCallback();
    for (const file of this.#previews.keys()) this.#revoke(file);
  }

  #revoke(file: File): void {
    const url = this.#previews.get(file);
    if (url) URL.revokeObjectURL(url);
    this.#previews.delete(file);
  }

  #preview(file: File): string | undefined {
    if (!/^image\/(png|jpeg|gif|webp)$/.test(file.type)) return undefined;
    let url = this.#previews.get(file);
    if (!url) this.#previews.set(file, (url = URL.createObjectURL(file)));
    return url;
  }

  protected override render() {
    const t = this.strings;
    return html`
      <input class="visually-hidden" type="file" multiple tabindex="-1" aria-hidden="true" @change=${(event: Event) => {
        const input = event.target as HTMLInputElement;
        this.add(input.files ?? []);
        input.value = '';
      }} />
      <button part="button" class="button attach" type="button" ?disabled=${this.disabled} @click=${() => this.renderRoot.querySelector('input')?.click()}>
        <svg viewBox="0 0 24 24" aria-hidden="true"><path d="M16.5 6v11.5a4 4 0 0 1-8 0V5a2.5 2.5 0 0 1 5 0v10.5a1 1 0 0 1-2 0V6H10v9.5a2.5 2.5 0 0 0 5 0V5a4 4 0 0 0-8 0v12.5a5.5 5.5 0 0 0 11 0V6z" /></svg>
        ${t.files.attach}
      </button>
      ${this.files.length
        ? html`<ul class="files">
            ${this.files.map((file, index) => {
              const preview = this.#preview(file);
              const progress = this.progress?.[index];
              return html`<li part="attachment" class="file">
                ${preview ? html`<img src=${preview} alt="" />` : html`<span class="icon" aria-hidden="true">📄</span>`}
                <span class="name">${file.name}<span class="muted"> · ${t.bytes(file.size)}</span></span>
                ${progress !== undefined
                  ? html`<progress max="1" .value=${progress} aria-label=${t.files.uploading(file.name)}></progress>`
                  : html`<button class="remove" type="button" aria-label=${t.files.remove(file.name)} ?disabled=${this.disabled} @click=${() => this.removeFile(file)}>×</button>`}
              </li>`;
            })}
          </ul>`
        : nothing}
    `;
  }
}

if (!customElements.get('ticket-files')) customElements.define('ticket-files', TicketFiles);

declare global {
  interface HTMLElementTagNameMap {
    'ticket-files': TicketFiles;
  }
}

/**
 * One multipart request carries every file, so each file's progress is read off the bytes sent:
 * the text fields go first, then the files in order.
 */
export function progressPerFile(files: File[], loaded: number, total: number): number[] {
  const sizes = files.map((file) => file.size);
  const overhead = Math.max(0, total - sizes.reduce((sum, size) => sum + size, 0));
  let start = overhead;
  return sizes.map((size) => {
    const done = size === 0 ? (loaded >= start ? 1 : 0) : Math.min(1, Math.max(0, (loaded - start) / size));
    start += size;
    return done;
  });
}
