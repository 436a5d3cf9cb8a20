/**
 * A ticket's metadata. The fields of its template get typed inputs (text, textarea, select,
 * number, checkbox, email, url; required marked); any other key is a JSON value. Everything is
 * checked before it is sent, one PUT (or DELETE, for a cleared field) per key that changed, and a
 * refusal is shown beside its field with the server's own issues.
 *
 * Tickets do not record their template, so the pane picks the template whose fields the metadata
 * uses most, and the agent may pick another.
 *
 * @summary Edit a ticket's custom fields.
 */
import { css, html, LitElement, nothing, type PropertyValues } from 'lit';
import type { ApiIssue, TemplateFieldView } from '../../api/types.ts';
import type { DetailApi, TemplateView, TicketDetailView } from './detail-api.ts';
import { DetailPatchEvent } from './detail-events.ts';
import { detailStyles } from './detail.styles.ts';
import { describeRefusal, type DetailStrings } from './detail-strings.ts';

const keyPattern = /^[A-Za-z0-9_.-]{1,64}$/;
const emailPattern = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;

/** The template whose field keys the metadata has most of (none when it has none of any). */
export function likelyTemplate(templates: TemplateView[], metadata: Record<string, unknown>): string {
  let best = '';
  let bestCount = 0;
  for (const template of templates) {
    const count = template.fields.filter((field) => field.key in metadata).length;
    if (count > bestCount) [best, bestCount] = [template.id, count];
  }
  return best;
}

type Checked = { ok: true; value: unknown; remove?: boolean } | { ok: false; message: string };

/** A typed input's text (or a checkbox's state) as the JSON value to store, or why it cannot be. */
export function checkField(field: TemplateFieldView, raw: string | boolean, t: DetailStrings): Checked {
  if (field.type === 'checkbox') return raw === true || !field.required ? { ok: true, value: raw === true } : { ok: false, message: t.invalid.required };
  const text = String(raw).trim();
  if (!text) return field.required ? { ok: false, message: t.invalid.required } : { ok: true, value: null, remove: true };
  switch (field.type) {
    case 'number':
      return Number.isFinite(Number(text)) ? { ok: true, value: Number(text) } : { ok: false, message: t.invalid.number };
    case 'email':
      return emailPattern.test(text) ? { ok: true, value: text } : { ok: false, message: t.invalid.email };
    case 'url':
      return /^https?:\/\/[^\s]+$/i.test(text) && URL.canParse(text) ? { ok: true, value: text } : { ok: false, message: t.invalid.url };
    case 'select':
      return field.options?.includes(text) ? { ok: true, value: text } : { ok: false, message: t.invalid.option };
    default:
      return { ok: true, value: text };
  }
}

export function checkJson(raw: string, t: DetailStrings): Checked {
  try {
    return { ok: true, value: JSON.parse(raw) as unknown };
  } catch {
    return { ok: false, message: t.invalid.json };
  }
}

const sameJson = (a: unknown, b: unknown) => JSON.stringify(a) === JSON.stringify(b);
const issuesText = (error: unknown) => ((error as { issues?: ApiIssue[] }).issues ?? []).map((issue) => `${issue.path}: ${issue.message}`).join('; ');

export class ConsoleMetadataEditor extends LitElement {
  static override properties = {
    api: { attribute: false },
    ticket: { attribute: false },
    templates: { attribute: false },
    strings: { attribute: false },
    templateId: { state: true },
    errors: { state: true },
    busy: { state: true },
    saved: { state: true },
  };
  static override styles = [
    detailStyles,
    css`
      :host { display: grid; gap: 10px; }
      form { display: grid; gap: 8px; }
      .check { display: flex; gap: 6px; align-items: center; font-weight: 600; }
      .required::after { content: ' *'; color: var(--tc-danger); }
      h4 { font-size: 14px; }
      textarea { font-family: ui-monospace, monospace; font-size: 14px; }
    `,
  ];

  declare api: DetailApi;
  declare ticket: TicketDetailView;
  declare templates: TemplateView[];
  declare strings: DetailStrings;
  declare templateId: string | undefined;
  /** Per key (or `new-key`, `new-value`): what is wrong, from this form's checks or the server. */
  declare errors: Record<string, string>;
  declare busy: boolean;
  declare saved: boolean;

  constructor() {
    super();
    this.templates = [];
    this.errors = {};
    this.busy = false;
    this.saved = false;
  }

  protected override willUpdate(changed: PropertyValues<this>): void {
    const previous = changed.get('ticket');
    if (changed.has('ticket') && previous && previous.id !== this.ticket?.id) {
      this.templateId = undefined;
      this.errors = {};
    }
    if (this.templateId === undefined && this.ticket && this.templates.length) this.templateId = likelyTemplate(this.templates, this.ticket.metadata);
  }

  get #template(): TemplateView | undefined {
    return this.templates.find((template) => template.id === this.templateId);
  }

  /** PUTs (or DELETEs) each entry; a refusal lands beside its key. Returns whether all went through. */
  async #write(entries: { key: string; value: unknown; remove?: boolean }[]): Promise<boolean> {
    const ticketId = this.ticket.id;
    const errors: Record<string, string> = {};
    this.busy = true;
    this.saved = false;
    for (const { key, value, remove } of entries) {
      try {
        if (remove) await this.api.deleteMetadata(ticketId, key);
        else await this.api.putMetadata(ticketId, key, value);
        this.dispatchEvent(
          new DetailPatchEvent((ticket) => {
            if (ticket.id !== ticketId) return ticket;
            const { [key]: _gone, ...rest } = ticket.metadata;
            return { ...ticket, metadata: remove ? rest : { ...rest, [key]: value as never } };
          }),
        );
      } catch (error) {
        const detail = issuesText(error);
        errors[key] = `${describeRefusal(error, this.strings)}${detail ? ` (${detail})` : ''}`;
      }
    }
    this.errors = errors;
    this.busy = false;
    this.saved = Object.keys(errors).length === 0;
    return this.saved;
  }

  async #saveFields(event: Event): Promise<void> {
    event.preventDefault();
    const template = this.#template;
    if (!template) return;
    const form = event.target as HTMLFormElement;
    const errors: Record<string, string> = {};
    const entries: { key: string; value: unknown; remove?: boolean }[] = [];
    for (const field of template.fields) {
      const input = form.elements.namedItem(field.key) as HTMLInputElement;
      const checked = checkField(field, field.type === 'checkbox' ? input.checked : input.value, this.strings);
      if (!checked.ok) {
        errors[field.key] = checked.message;
        continue;
      }
      const has = field.key in this.ticket.metadata;
      if (checked.remove ? has : !has || !sameJson(this.ticket.metadata[field.key], checked.value)) entries.push({ key: field.key, ...checked });
    }
    this.errors = errors;
    if (Object.keys(errors).length) {
      form.querySelector<HTMLElement>('[aria-invalid="true"]')?.focus();
      return;
    }
    await this.#write(entries);
  }

  async #saveKey(key: string, raw: string): Promise<void> {
    const checked = checkJson(raw, this.strings);
    if (!checked.ok) {
      this.errors = { [key]: checked.message };
      return;
    }
    await this.#write([{ key, value: checked.value }]);
  }

  async #addKey(event: Event): Promise<void> {
    event.preventDefault();
    const form = event.target as HTMLFormElement;
    const key = (form.elements.namedItem('new-key') as HTMLInputElement).value.trim();
    const checked = checkJson((form.elements.namedItem('new-value') as HTMLTextAreaElement).value, this.strings);
    const errors: Record<string, string> = {};
    if (!keyPattern.test(key)) errors['new-key'] = this.strings.invalid.key;
    if (!checked.ok) errors['new-value'] = checked.message;
    this.errors = errors;
    if (!checked.ok || errors['new-key']) return;
    const ok = await this.#write([{ key, value: checked.value }]);
    if (!ok) this.errors = { 'new-value': this.errors[key] ?? '' };
    else form.reset();
  }

  #error(id: string) {
    const message = this.errors[id];
    return message ? html`<p class="error" id="${id}-error" role="alert">${message}</p>` : nothing;
  }

  #invalid(id: string) {
    return { invalid: this.errors[id] ? 'true' : 'false', describedBy: this.errors[id] ? `${id}-error` : nothing };
  }

  #field(field: TemplateFieldView) {
    const value = this.ticket.metadata[field.key];
    const text = value === undefined || value === null ? '' : String(value);
    const { invalid, describedBy } = this.#invalid(field.key);
    const id = `field-${field.key}`;
    const label = html`<label for=${id} class=${field.required ? 'required' : ''}>${field.label}</label>`;
    let input;
    switch (field.type) {
      case 'checkbox':
        return html`<div><label class="check ${field.required ? 'required' : ''}"><input id=${id} name=${field.key} type="checkbox" .checked=${value === true}
          aria-invalid=${invalid} aria-describedby=${describedBy} />${field.label}</label>${this.#error(field.key)}</div>`;
      case 'textarea':
        input = html`<textarea id=${id} name=${field.key} rows="3" .value=${text} ?required=${field.required} aria-invalid=${invalid} aria-describedby=${describedBy}></textarea>`;
        break;
      case 'select':
        input = html`<select id=${id} name=${field.key} .value=${text} ?required=${field.required} aria-invalid=${invalid} aria-describedby=${describedBy}>
          <option value="" ?selected=${!text}>${this.strings.noValue}</option>
          ${(field.options ?? []).map((option) => html`<option value=${option} ?selected=${option === text}>${option}</option>`)}
        </select>`;
        break;
      default:
        input = html`<input id=${id} name=${field.key} type=${field.type === 'number' ? 'text' : field.type} inputmode=${field.type === 'number' ? 'decimal' : nothing}
          .value=${text} ?required=${field.required} aria-invalid=${invalid} aria-describedby=${describedBy} autocomplete="off" />`;
    }
    return html`<div>${label}${input}${this.#error(field.key)}</div>`;
  }

  protected override render() {
    if (!this.ticket) return nothing;
    const t = this.strings;
    const template = this.#template;
    const templateKeys = new Set(template?.fields.map((field) => field.key));
    const others = Object.keys(this.ticket.metadata).filter((key) => !templateKeys.has(key)).sort();
    return html`
      <div>
        <label for="template">${t.template}</label>
        <select id="template" .value=${this.templateId ?? ''} @change=${(event: Event) => ((this.templateId = (event.target as HTMLSelectElement).value), (this.errors = {}))}>
          <option value="" ?selected=${!this.templateId}>${t.noTemplate}</option>
          ${this.templates.map((option) => html`<option value=${option.id} ?selected=${option.id === this.templateId}>${option.name}</option>`)}
        </select>
      </div>
      ${template?.fields.length
        ? html`<form id="template-fields" novalidate @submit=${this.#saveFields}>
            ${template.fields.map((field) => this.#field(field))}
            <div class="row"><button class="button primary" type="submit" ?disabled=${this.busy}>${t.save}</button>${this.saved ? html`<span class="muted" role="status">${t.saved}</span>` : nothing}</div>
          </form>`
        : nothing}
      <h4>${t.otherKeys}</h4>
      ${others.map((key) => {
        const { invalid, describedBy } = this.#invalid(key);
        return html`<div class="free" data-key=${key}>
          <label for="free-${key}">${key}</label>
          <textarea id="free-${key}" rows="1" .value=${JSON.stringify(this.ticket.metadata[key])} aria-invalid=${invalid} aria-describedby=${describedBy}></textarea>
          <div class="row">
            <button class="button" type="button" ?disabled=${this.busy} @click=${() => void this.#saveKey(key, this.renderRoot.querySelector<HTMLTextAreaElement>(`#free-${CSS.escape(key)}`)!.value)}>${t.save}</button>
            <button class="button" type="button" ?disabled=${this.busy} @click=${() => void this.#write([{ key, value: null, remove: true }])}>✕ ${t.removeKey(key)}</button>
          </div>
          ${this.#error(key)}
        </div>`;
      })}
      <form id="add-key" novalidate @submit=${this.#addKey}>
        <div><label for="new-key">${t.key}</label>
          <input id="new-key" name="new-key" autocomplete="off" maxlength="64" aria-invalid=${this.#invalid('new-key').invalid} aria-describedby=${this.#invalid('new-key').describedBy} />${this.#error('new-key')}</div>
        <div><label for="new-value">${t.value}</label>
          <textarea id="new-value" name="new-value" rows="2" aria-invalid=${this.#invalid('new-value').invalid} aria-describedby=${this.#invalid('new-value').describedBy}></textarea>${this.#error('new-value')}</div>
        <div><button class="button" type="submit" ?disabled=${this.busy}>${t.addKey}</button></div>
      </form>
    `;
  }
}

if (!customElements.get('console-metadata-editor')) customElements.define('console-metadata-editor', ConsoleMetadataEditor);

declare global {
  interface HTMLElementTagNameMap {
    'console-metadata-editor': ConsoleMetadataEditor;
  }
}
