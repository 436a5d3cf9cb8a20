/**
 * The team's composer: a reply the customer sees or an internal note only the team sees (a
 * toggle that also changes the composer's look, words and button), files by picker, drag and
 * drop or paste, Ctrl/Cmd+Enter to send. Each send has its own Idempotency-Key, kept for a retry
 * of the same text and files so a retry after a lost answer cannot post twice.
 *
 * @summary Reply or internal note.
 * @fires message-sent - the server's copy of the new message (`detail.message`)
 */
import { css, html, LitElement, nothing } from 'lit';
import { FileDropController } from '../../views/file-drop-controller.ts';
import type { DetailApi, MessageView } from './detail-api.ts';
import { clipIcon, lockIcon } from './detail-icons.ts';
import { detailStyles } from './detail.styles.ts';
import { describeRefusal, type DetailStrings } from './detail-strings.ts';

export class ConsoleComposer extends LitElement {
  static override properties = {
    api: { attribute: false },
    ticketId: { attribute: false },
    strings: { attribute: false },
    internal: { type: Boolean, reflect: true },
    files: { state: true },
    sending: { state: true },
    error: { state: true },
  };
  static override styles = [
    detailStyles,
    css`
      :host { position: relative; }
      form { border: 1px solid var(--tc-border); border-radius: var(--tc-radius); padding: 8px; display: grid; gap: 8px; background: var(--tc-bg); }
      :host([internal]) form { background: var(--tc-note-bg); border: 2px dashed var(--tc-note-border); }
      .modes { display: flex; gap: 4px; flex-wrap: wrap; }
      .modes label { display: inline-flex; gap: 6px; align-items: center; font-weight: 600; padding: 4px 10px; border: 1px solid var(--tc-border); border-radius: 999px; background: var(--tc-bg); cursor: pointer; margin: 0; }
      .modes label:has(:checked) { border: 2px solid var(--tc-accent); }
      :host([internal]) .modes label:has(:checked) { border-color: var(--tc-note-border); color: var(--tc-note-text); }
      .modes label:has(:focus-visible) { outline: 3px solid var(--tc-accent); outline-offset: 2px; }
      .modes input { margin: 0; }
      .actions { display: flex; gap: 8px; align-items: center; flex-wrap: wrap; }
      .actions .spacer { flex: 1; }
      .files { display: flex; flex-wrap: wrap; gap: 6px; }
      .files li { display: inline-flex; gap: 4px; align-items: center; border: 1px solid var(--tc-border); border-radius: 999px; padding: 0 4px 0 10px; background: var(--tc-bg); font-size: 14px; }
      .drop { position: absolute; inset: 0; display: grid; place-items: center; border: 3px dashed var(--tc-accent); border-radius: var(--tc-radius); background: rgb(255 255 255 / 0.92); color: var(--tc-accent); font-weight: 700; pointer-events: none; }
    `,
  ];

  declare api: DetailApi;
  declare ticketId: string;
  declare strings: DetailStrings;
  declare internal: boolean;
  declare files: File[];
  declare sending: boolean;
  declare error: string | undefined;
  #key: string | undefined;
  readonly #drop = new FileDropController(this, (files) => this.#addFiles(files));

  constructor() {
    super();
    this.internal = false;
    this.files = [];
    this.sending = false;
  }

  override focus(): void {
    this.renderRoot.querySelector('textarea')?.focus();
  }

  #addFiles(files: File[]): void {
    this.files = [...this.files, ...files];
    this.#key = undefined;
  }

  #changed(): void {
    // Different content is a different request: it gets a key of its own.
    this.#key = undefined;
    this.error = undefined;
  }

  async #send(event?: Event): Promise<void> {
    event?.preventDefault();
    if (this.sending) return;
    const textarea = this.renderRoot.querySelector('textarea')!;
    const text = textarea.value.trim();
    if (!text) {
      this.error = this.strings.emptyMessage;
      textarea.focus();
      return;
    }
    this.sending = true;
    this.error = undefined;
    const key = (this.#key ??= crypto.randomUUID());
    try {
      const message: MessageView = await this.api.send(this.ticketId, text, this.internal, this.files, key);
      textarea.value = '';
      this.files = [];
      this.#key = undefined;
      this.dispatchEvent(new CustomEvent('message-sent', { detail: { message } }));
    } catch (error) {
      this.error = describeRefusal(error, this.strings);
    } finally {
      this.sending = false;
    }
    textarea.focus();
  }

  #setMode(internal: boolean): void {
    this.internal = internal;
    this.#key = undefined;
  }

  protected override render() {
    const t = this.strings;
    const note = this.internal;
    return html`
      ${this.#drop.dragging ? html`<div class="drop" aria-hidden="true">${t.dropHere}</div>` : nothing}
      <form @submit=${this.#send} aria-label=${t.composer}>
        <fieldset class="modes">
          <legend class="visually-hidden">${t.composer}</legend>
          <label><input type="radio" name="mode" value="reply" .checked=${!note} @change=${() => this.#setMode(false)} />${t.reply}</label>
          <label><input type="radio" name="mode" value="note" .checked=${note} @change=${() => this.#setMode(true)} />${lockIcon}${t.note}</label>
        </fieldset>
        <label class="visually-hidden" for="text">${note ? t.note : t.reply}</label>
        <textarea id="text" rows="4" placeholder=${note ? t.notePlaceholder : t.replyPlaceholder} aria-describedby="hint" aria-invalid=${this.error === t.emptyMessage}
          @input=${this.#changed}
          @keydown=${(event: KeyboardEvent) => {
            if (event.key === 'Enter' && (event.ctrlKey || event.metaKey)) void this.#send(event);
          }}></textarea>
        ${this.files.length
          ? html`<ul class="files">${this.files.map((file, index) => html`<li>${clipIcon}<span>${file.name}</span>
              <button class="link" type="button" aria-label=${t.remove(file.name)} @click=${() => { this.files = this.files.filter((_, i) => i !== index); this.#changed(); }}>✕</button></li>`)}</ul>`
          : nothing}
        ${this.error ? html`<p class="error" role="alert">${this.error}</p>` : nothing}
        <div class="actions">
          <input id="files" class="visually-hidden" type="file" multiple tabindex="-1" aria-hidden="true"
            @change=${(event: Event) => { const input = event.target as HTMLInputElement; this.#addFiles([...(input.files ?? [])]); input.value = ''; }} />
          <button class="button" type="button" @click=${() => this.renderRoot.querySelector<HTMLInputElement>('#files')!.click()}>${clipIcon} ${t.attach}</button>
          <span class="spacer"></span>
          <span id="hint" class="muted">${t.sendHint}</span>
          <button class="button primary" type="submit" ?disabled=${this.sending}>${this.sending ? t.sending : note ? t.sendNote : t.sendReply}</button>
        </div>
      </form>
    `;
  }
}

if (!customElements.get('console-composer')) customElements.define('console-composer', ConsoleComposer);

declare global {
  interface HTMLElementTagNameMap {
    'console-composer': ConsoleComposer;
  }
  interface GlobalEventHandlersEventMap {
    'message-sent': CustomEvent<{ message: MessageView }>;
  }
}
