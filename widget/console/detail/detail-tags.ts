/**
 * The ticket's tags: each with its colour (a swatch beside the name, so the name always reads) and
 * a remove button; add one from the catalogue; or create a tag with a colour and add it at once.
 *
 * @summary Tag a ticket.
 * @fires catalogue-tag - a tag the agent just created (`detail.tag`), for the pane's catalogue
 */
import { css, html, LitElement, nothing } from 'lit';
import type { DetailApi, TagRefView, TagView, TicketDetailView } from './detail-api.ts';
import { tagColor } from '../shell/tag-color.ts';
import { DetailPatchEvent } from './detail-events.ts';
import { detailStyles } from './detail.styles.ts';
import { describeRefusal, type DetailStrings } from './detail-strings.ts';

const byName = (a: TagRefView, b: TagRefView) => a.name.localeCompare(b.name);

export class ConsoleTicketTags extends LitElement {
  static override properties = {
    api: { attribute: false },
    ticket: { attribute: false },
    catalogue: { attribute: false },
    strings: { attribute: false },
    busy: { state: true },
    error: { state: true },
    createError: { state: true },
  };
  static override styles = [
    detailStyles,
    css`
      :host { display: grid; gap: 8px; }
      .chips { display: flex; flex-wrap: wrap; gap: 6px; }
      .chip { display: inline-flex; align-items: center; gap: 6px; border: 1px solid var(--tc-border); border-radius: 999px; padding: 1px 2px 1px 8px; background: var(--tc-bg); font-size: 14px; }
      .swatch { background: var(--tag-color); inline-size: 12px; block-size: 12px; border-radius: 50%; border: 1px solid rgb(0 0 0 / 0.35); flex: none; }
      .chip button { min-inline-size: 28px; min-block-size: 28px; }
      details summary { cursor: pointer; color: var(--tc-accent); text-decoration: underline; inline-size: fit-content; }
      details form { margin-block-start: 6px; }
    `,
  ];

  declare api: DetailApi;
  declare ticket: TicketDetailView;
  declare catalogue: TagView[];
  declare strings: DetailStrings;
  declare busy: boolean;
  declare error: string | undefined;
  declare createError: string | undefined;

  constructor() {
    super();
    this.catalogue = [];
    this.busy = false;
  }

  async #run(work: () => Promise<void>, onError: (message: string) => void): Promise<boolean> {
    this.busy = true;
    this.error = undefined;
    this.createError = undefined;
    try {
      await work();
      return true;
    } catch (error) {
      onError(describeRefusal(error, this.strings));
      return false;
    } finally {
      this.busy = false;
    }
  }

  async #add(tagId: string): Promise<void> {
    const ticketId = this.ticket.id;
    await this.#run(async () => {
      const tags = await this.api.addTag(ticketId, tagId);
      this.dispatchEvent(new DetailPatchEvent((ticket) => (ticket.id === ticketId ? { ...ticket, tags } : ticket)));
    }, (message) => (this.error = message));
  }

  async #remove(tag: TagRefView): Promise<void> {
    const ticketId = this.ticket.id;
    await this.#run(async () => {
      await this.api.removeTag(ticketId, tag.id);
      this.dispatchEvent(new DetailPatchEvent((ticket) => (ticket.id === ticketId ? { ...ticket, tags: ticket.tags.filter((t) => t.id !== tag.id) } : ticket)));
    }, (message) => (this.error = message));
    this.renderRoot.querySelector<HTMLElement>('#tag-choice')?.focus();
  }

  async #create(event: Event): Promise<void> {
    event.preventDefault();
    const form = event.target as HTMLFormElement;
    const name = (form.elements.namedItem('name') as HTMLInputElement).value.trim();
    const color = (form.elements.namedItem('color') as HTMLInputElement).value;
    if (!name) {
      this.createError = this.strings.invalid.required;
      return;
    }
    let created: TagView | undefined;
    const ok = await this.#run(async () => {
      created = await this.api.createTag(name, color);
    }, (message) => (this.createError = message));
    if (!ok || !created) return;
    this.dispatchEvent(new CustomEvent('catalogue-tag', { detail: { tag: created } }));
    form.reset();
    await this.#add(created.id);
  }

  protected override render() {
    if (!this.ticket) return nothing;
    const t = this.strings;
    const tags = [...this.ticket.tags].sort(byName);
    const choices = this.catalogue.filter((tag) => !tags.some((has) => has.id === tag.id)).sort(byName);
    return html`
      ${tags.length
        ? html`<ul class="chips" aria-label=${t.tags}>${tags.map((tag) => html`<li class="chip" data-tag=${tag.name}>
            <span class="swatch" ${tagColor(tag.color)} aria-hidden="true"></span>${tag.name}
            <button class="link" type="button" aria-label=${t.removeTag(tag.name)} ?disabled=${this.busy} @click=${() => void this.#remove(tag)}>✕</button></li>`)}</ul>`
        : html`<p class="muted">${t.noTags}</p>`}
      <form class="row" @submit=${(event: Event) => {
        event.preventDefault();
        const id = this.renderRoot.querySelector<HTMLSelectElement>('#tag-choice')!.value;
        if (id) void this.#add(id);
      }}>
        <div class="grow">
          <label for="tag-choice">${t.addTag}</label>
          <select id="tag-choice">
            <option value="">${t.chooseTag}</option>
            ${choices.map((tag) => html`<option value=${tag.id}>${tag.name}</option>`)}
          </select>
        </div>
        <button class="button" type="submit" ?disabled=${this.busy || !choices.length}>${t.add}</button>
      </form>
      ${this.error ? html`<p class="error" role="alert">${this.error}</p>` : nothing}
      <details>
        <summary>${t.newTag}</summary>
        <form class="row" @submit=${this.#create}>
          <div class="grow"><label for="new-tag-name">${t.tagName}</label>
            <input id="new-tag-name" name="name" maxlength="50" autocomplete="off" aria-invalid=${this.createError ? 'true' : 'false'} aria-describedby=${this.createError ? 'new-tag-error' : nothing} /></div>
          <div><label for="new-tag-color">${t.tagColor}</label><input id="new-tag-color" name="color" type="color" value="#2563eb" /></div>
          <button class="button" type="submit" ?disabled=${this.busy}>${t.createTag}</button>
        </form>
        ${this.createError ? html`<p class="error" role="alert" id="new-tag-error">${this.createError}</p>` : nothing}
      </details>
    `;
  }
}

if (!customElements.get('console-ticket-tags')) customElements.define('console-ticket-tags', ConsoleTicketTags);

declare global {
  interface HTMLElementTagNameMap {
    'console-ticket-tags': ConsoleTicketTags;
  }
  interface GlobalEventHandlersEventMap {
    'catalogue-tag': CustomEvent<{ tag: TagView }>;
  }
}
