/**
 * A new ticket: what it is about (a template, whose fields appear), a subject, a description
 * and attachments (picker, drop or paste, each with its progress). Fields are checked as the
 * customer leaves them and again on sending; the server's own objections land on the field they
 * name, or above the button in words.
 *
 * @summary The new-ticket form.
 * @csspart form - the form
 * @csspart field - one labelled field
 * @csspart input - an input, select or textarea
 * @csspart error - a field's or the form's error
 * @csspart primary-button - "Send ticket"
 */
import { html, LitElement, nothing } from 'lit';
import { ApiFailure } from '../api/api-failure.ts';
import type { TemplateFieldView, TemplateView } from '../api/types.ts';
import type { Strings } from '../i18n/strings.ts';
import { newKey } from '../state/outbox.ts';
import type { WidgetSession } from '../state/session.ts';
import type { TicketDraft } from '../widget-host.ts';
import { describeFailure } from './describe-failure.ts';
import { FileDropController } from './file-drop-controller.ts';
import { NavigateEvent } from './navigate-event.ts';
import { dropOverlayStyles, sharedStyles } from './shared.styles.ts';
import { progressPerFile, type TicketFiles } from './ticket-files.ts';
import './ticket-files.ts';
import { formStyles } from './ticket-new.styles.ts';

type Control = HTMLInputElement | HTMLTextAreaElement | HTMLSelectElement;

const limits: Record<string, number> = { title: 200, description: 20_000 };

export class TicketNew extends LitElement {
  static override properties = {
    session: { attribute: false },
    strings: { attribute: false },
    draft: { attribute: false },
    templates: { state: true },
    templateId: { state: true },
    errors: { state: true },
    formError: { state: true },
    busy: { state: true },
  };
  static override styles = [sharedStyles, dropOverlayStyles, formStyles];

  declare session: WidgetSession;
  declare strings: Strings;
  declare draft: TicketDraft;
  declare templates: TemplateView[];
  declare templateId: string;
  /** By field id: title, description, fields.<key>, files. */
  declare errors: Record<string, string>;
  declare formError: { text: string; issues: string[] } | undefined;
  declare busy: boolean;
  /** The same content sent again (after a lost answer) reuses its Idempotency-Key. */
  #lastAttempt: { fingerprint: string; key: string } | undefined;
  readonly #drop = new FileDropController(this, (files) => this.#files()?.add(files));

  constructor() {
    super();
    this.draft = {};
    this.templates = [];
    this.templateId = '';
    this.errors = {};
    this.formError = undefined;
    this.busy = false;
  }

  override connectedCallback(): void {
    super.connectedCallback();
    void this.session.loadTemplates().then((templates) => {
      this.templates = templates;
      if (this.draft.templateId && templates.some((template) => template.id === this.draft.templateId)) this.templateId = this.draft.templateId;
    });
  }

  focusHeading(): void {
    this.renderRoot.querySelector('h3')?.focus();
  }

  #files(): TicketFiles | null {
    return this.renderRoot.querySelector('ticket-files');
  }

  #template(): TemplateView | undefined {
    return this.templates.find((template) => template.id === this.templateId);
  }

  #control(id: string): Control | null {
    return this.renderRoot.querySelector<Control>(`#${CSS.escape(id)}`);
  }

  /** The customer's mistake in one field, in words, or '' when it is fine. */
  #check(id: string, required: boolean): string {
    const control = this.#control(id);
    if (!control) return '';
    const t = this.strings.form;
    if (control instanceof HTMLInputElement && control.type === 'checkbox') return required && !control.checked ? t.required : '';
    const value = control.value.trim();
    if (control.validity.badInput) return t.invalidNumber;
    if (!value) return required ? t.required : '';
    if (control.validity.typeMismatch) return control.type === 'email' ? t.invalidEmail : t.invalidUrl;
    const max = limits[id];
    if (max && value.length > max) return t.tooLong(max);
    return '';
  }

  #fieldsToCheck(): [string, boolean][] {
    return [['title', true], ['description', true], ...(this.#template()?.fields ?? []).map((field): [string, boolean] => [`fields.${field.key}`, field.required])];
  }

  #blur(id: string, required: boolean): void {
    const error = this.#check(id, required);
    if ((this.errors[id] ?? '') !== error) this.errors = { ...this.errors, [id]: error };
  }

  #values() {
    const text = (id: string) => this.#control(id)?.value.trim() ?? '';
    const template = this.#template();
    const fields: Record<string, unknown> = {};
    for (const field of template?.fields ?? []) {
      const control = this.#control(`fields.${field.key}`);
      if (!control) continue;
      if (field.type === 'checkbox') fields[field.key] = (control as HTMLInputElement).checked;
      else if (field.type === 'number') {
        if (control.value !== '') fields[field.key] = Number(control.value);
      } else if (control.value.trim() !== '') fields[field.key] = control.value.trim();
    }
    return {
      title: text('title'),
      description: text('description'),
      ...(template ? { templateId: template.id, fields } : {}),
    };
  }

  async #submit(event: SubmitEvent): Promise<void> {
    event.preventDefault();
    if (this.busy) return;
    const errors: Record<string, string> = {};
    for (const [id, required] of this.#fieldsToCheck()) {
      const error = this.#check(id, required);
      if (error) errors[id] = error;
    }
    this.errors = errors;
    this.formError = undefined;
    const firstInvalid = Object.keys(errors)[0];
    if (firstInvalid) {
      this.#control(firstInvalid)?.focus();
      return;
    }
    const ticket = this.#values();
    const filesElement = this.#files();
    const files = filesElement?.files ?? [];
    const fingerprint = JSON.stringify([ticket, files.map((file) => [file.name, file.size, file.lastModified])]);
    if (this.#lastAttempt?.fingerprint !== fingerprint) this.#lastAttempt = { fingerprint, key: newKey() };
    this.busy = true;
    if (filesElement && files.length) filesElement.progress = files.map(() => 0);
    try {
      const created = await this.session.createTicket(ticket, files, this.#lastAttempt.key, (loaded, total) => {
        if (filesElement) filesElement.progress = progressPerFile(files, loaded, total);
      });
      this.#lastAttempt = undefined;
      filesElement?.clear();
      this.dispatchEvent(new NavigateEvent({ view: 'thread', ticketId: created.id }));
    } catch (error) {
      if (filesElement) filesElement.progress = undefined;
      this.#showFailure(error instanceof ApiFailure ? error : undefined);
    } finally {
      this.busy = false;
    }
  }

  /** The server said no: each issue next to its field when there is one, the rest in words above the button. */
  #showFailure(failure: ApiFailure | undefined): void {
    const known = new Set(this.#fieldsToCheck().map(([id]) => id));
    const errors: Record<string, string> = {};
    const unplaced: string[] = [];
    for (const issue of failure?.issues ?? []) {
      const [head, key] = issue.path.split('.');
      const id = head === 'fields' && key ? `fields.${key}` : head === 'files' ? 'files' : head ?? '';
      if (known.has(id) || id === 'files') errors[id] ??= issue.message;
      else unplaced.push(issue.path ? `${issue.path}: ${issue.message}` : issue.message);
    }
    this.errors = errors;
    const placed = Object.keys(errors).length;
    const onlyFieldProblems = failure?.code === 'validation_failed' && placed && !unplaced.length;
    this.formError = { text: onlyFieldProblems ? this.strings.form.fixErrors : describeFailure(failure, this.strings), issues: unplaced };
    void this.updateComplete.then(() => {
      const first = Object.keys(errors)[0];
      if (first && first !== 'files') this.#control(first)?.focus();
      else this.renderRoot.querySelector<HTMLElement>('.form-error')?.focus();
    });
  }

  #describedBy(id: string, hint?: string): string {
    return [this.errors[id] ? `${id}-error` : '', hint ?? ''].filter(Boolean).join(' ');
  }

  #error(id: string) {
    const error = this.errors[id];
    return error ? html`<p part="error" id="${id}-error" class="error">${error}</p>` : nothing;
  }

  #templateField(field: TemplateFieldView) {
    const id = `fields.${field.key}`;
    const value = this.draft.fields?.[field.key];
    const common = { id, invalid: this.errors[id] ? 'true' : 'false', describedBy: this.#describedBy(id) };
    if (field.type === 'checkbox') {
      return html`<div part="field" class="field">
        <label class="check"><input part="input" id=${id} type="checkbox" .checked=${value === true} aria-invalid=${common.invalid} aria-describedby=${common.describedBy} @change=${() => this.#blur(id, field.required)} />${field.label}</label>
        ${this.#error(id)}
      </div>`;
    }
    const label = html`<label for=${id}>${field.label}${field.required ? html`<span aria-hidden="true"> *</span>` : nothing}</label>`;
    let control;
    if (field.type === 'select') {
      control = html`<select part="input" id=${id} ?required=${field.required} aria-invalid=${common.invalid} aria-describedby=${common.describedBy} @blur=${() => this.#blur(id, field.required)}>
        <option value=""></option>
        ${(field.options ?? []).map((option) => html`<option .selected=${value === option}>${option}</option>`)}
      </select>`;
    } else if (field.type === 'textarea') {
      control = html`<textarea part="input" id=${id} ?required=${field.required} aria-invalid=${common.invalid} aria-describedby=${common.describedBy} .value=${value === undefined ? '' : String(value)} @blur=${() => this.#blur(id, field.required)}></textarea>`;
    } else {
      control = html`<input part="input" id=${id} type=${field.type} ?required=${field.required} aria-invalid=${common.invalid} aria-describedby=${common.describedBy} .value=${value === undefined ? '' : String(value)} @blur=${() => this.#blur(id, field.required)} />`;
    }
    return html`<div part="field" class="field">${label}${control}${this.#error(id)}</div>`;
  }

  protected override render() {
    const t = this.strings;
    const template = this.#template();
    return html`
      ${this.#drop.dragging ? html`<div class="drop" aria-hidden="true">${t.files.dropHere}</div>` : nothing}
      <form part="form" novalidate @submit=${this.#submit} aria-busy=${this.busy ? 'true' : 'false'}>
        <h3 tabindex="-1">${t.form.title}</h3>
        ${this.templates.length
          ? html`<div part="field" class="field">
              <label for="template">${t.form.template}</label>
              <select part="input" id="template" @change=${(event: Event) => (this.templateId = (event.target as HTMLSelectElement).value)}>
                <option value="" .selected=${!this.templateId}>${t.form.noTemplate}</option>
                ${this.templates.map((option) => html`<option value=${option.id} .selected=${option.id === this.templateId}>${option.name}</option>`)}
              </select>
              ${template?.description ? html`<p class="muted">${template.description}</p>` : nothing}
            </div>`
          : nothing}
        ${template?.fields.map((field) => this.#templateField(field)) ?? nothing}
        <div part="field" class="field">
          <label for="title">${t.form.subject}<span aria-hidden="true"> *</span></label>
          <input part="input" id="title" required maxlength="200" autocomplete="off" .value=${this.draft.title ?? ''}
            aria-invalid=${this.errors.title ? 'true' : 'false'} aria-describedby=${this.#describedBy('title')} @blur=${() => this.#blur('title', true)} />
          ${this.#error('title')}
        </div>
        <div part="field" class="field">
          <label for="description">${t.form.description}<span aria-hidden="true"> *</span></label>
          <textarea part="input" id="description" required rows="5" .value=${this.draft.description ?? ''}
            aria-invalid=${this.errors.description ? 'true' : 'false'} aria-describedby=${this.#describedBy('description')} @blur=${() => this.#blur('description', true)}></textarea>
          ${this.#error('description')}
        </div>
        <div part="field" class="field">
          <ticket-files exportparts="button, attachment" .strings=${t} ?disabled=${this.busy} @files-change=${() => this.errors.files && (this.errors = { ...this.errors, files: '' })}></ticket-files>
          ${this.#error('files')}
        </div>
        ${this.formError
          ? html`<div part="error" class="alert form-error" role="alert" tabindex="-1">
              ${this.formError.text}
              ${this.formError.issues.length ? html`<ul class="issues">${this.formError.issues.map((issue) => html`<li>${issue}</li>`)}</ul>` : nothing}
            </div>`
          : nothing}
        <div class="actions">
          <button part="button" class="button" type="button" @click=${() => this.dispatchEvent(new NavigateEvent({ view: 'list' }))}>${t.back}</button>
          <button part="primary-button" class="button primary" type="submit" ?disabled=${this.busy}>${this.busy ? t.form.submitting : t.form.submit}</button>
        </div>
      </form>
    `;
  }
}

if (!customElements.get('ticket-new')) customElements.define('ticket-new', TicketNew);

declare global {
  interface HTMLElementTagNameMap {
    'ticket-new': TicketNew;
  }
}
