/**
 * The admins' template editor: the templates with their field counts; create, edit and delete
 * (deleting asks first, in the page, not in a dialog box). A template has a name, a description,
 * fields (key, label, type, required, options for a choice), a default priority and default tags.
 * The draft is checked by the server's rules before it is sent; what the server still refuses
 * (a taken name, a tag deleted meanwhile, an agent who is not an admin) is shown beside its field
 * and in a summary.
 *
 * @summary Keep the ticket templates.
 * @fires templates-changed - `detail.templates`: the list after a create, edit or delete
 */
import { css, html, LitElement, nothing } from 'lit';
import type { ApiIssue, TemplateView } from '../../api/types.ts';
import type { ConsoleClient } from '../api/console-client.ts';
import type { TagView } from '../detail/detail-api.ts';
import { detailStyles } from '../detail/detail.styles.ts';
import { describeRefusal, detailStrings, type ConsoleLocale } from '../detail/detail-strings.ts';
import { tagColor } from '../shell/tag-color.ts';
import { createTemplateApi, type TemplateApi } from './template-api.ts';
import { blankField, checkDraft, toDraft, toInput, type FieldDraft, type TemplateDraft } from './template-draft.ts';
import { fieldTypes, templateStrings, type FieldType, type TemplateStrings } from './template-strings.ts';

const priorities = ['low', 'medium', 'high', 'urgent'] as const;

export class ConsoleTemplateEditor extends LitElement {
  static override properties = {
    client: { attribute: false },
    locale: { reflect: true },
    templates: { state: true },
    tags: { state: true },
    draft: { state: true },
    issues: { state: true },
    error: { state: true },
    status: { state: true },
    busy: { state: true },
    confirming: { state: true },
  };
  static override styles = [
    detailStyles,
    css`
      :host { display: block; }
      .list { display: grid; gap: 6px; margin-block: 8px 16px; }
      .list li { display: flex; gap: 8px; align-items: center; flex-wrap: wrap; border: 1px solid var(--tc-border); border-radius: var(--tc-radius); padding: 6px 10px; }
      .list .name { font-weight: 600; flex: 1; }
      form { display: grid; gap: 10px; border: 1px solid var(--tc-border); border-radius: var(--tc-radius); padding: 12px; }
      .field { border: 1px solid var(--tc-border); border-radius: var(--tc-radius); padding: 8px; display: grid; gap: 6px; }
      .field legend { font-weight: 700; padding-inline: 4px; }
      .check { display: inline-flex; gap: 6px; align-items: center; font-weight: 600; }
      .tags { display: flex; flex-wrap: wrap; gap: 8px; }
      .swatch { background: var(--tag-color); display: inline-block; inline-size: 12px; block-size: 12px; border-radius: 50%; border: 1px solid rgb(0 0 0 / 0.35); }
      .confirm { display: grid; gap: 6px; }
      h2 { font-size: 20px; margin-block-end: 8px; }
      h3 { font-size: 17px; }
    `,
  ];

  declare client: ConsoleClient;
  declare locale: ConsoleLocale;
  declare templates: TemplateView[] | undefined;
  declare tags: TagView[];
  /** The template being created or edited; undefined while only the list shows. */
  declare draft: TemplateDraft | undefined;
  /** By the server's path (`name`, `fields.0.key`). */
  declare issues: Record<string, string>;
  declare error: string | undefined;
  declare status: string;
  declare busy: boolean;
  declare confirming: TemplateView | undefined;
  #api: TemplateApi | undefined;
  #apiClient: ConsoleClient | undefined;

  constructor() {
    super();
    this.locale = 'en';
    this.tags = [];
    this.issues = {};
    this.status = '';
    this.busy = false;
  }

  get strings(): TemplateStrings {
    return templateStrings[this.locale] ?? templateStrings.en;
  }

  protected override willUpdate(): void {
    if (this.client && this.#apiClient !== this.client) {
      this.#apiClient = this.client;
      this.#api = createTemplateApi(this.client);
      void this.reload();
    }
  }

  /** Loads the templates and the tag catalogue again. */
  async reload(): Promise<void> {
    const api = this.#api!;
    try {
      [this.templates, this.tags] = await Promise.all([api.list(), api.tags()]);
      this.error = undefined;
    } catch (error) {
      this.error = describeRefusal(error, detailStrings[this.locale] ?? detailStrings.en);
    }
  }

  #edit(template?: TemplateView): void {
    this.draft = toDraft(template);
    this.issues = {};
    this.error = undefined;
    this.status = '';
    this.confirming = undefined;
    void this.updateComplete.then(() => this.renderRoot.querySelector<HTMLInputElement>('#name')?.focus());
  }

  #change(change: Partial<TemplateDraft>): void {
    this.draft = { ...this.draft!, ...change };
  }

  #changeField(index: number, change: Partial<FieldDraft>): void {
    this.#change({ fields: this.draft!.fields.map((field, i) => (i === index ? { ...field, ...change } : field)) });
  }

  #moveUp(index: number): void {
    const fields = [...this.draft!.fields];
    [fields[index - 1], fields[index]] = [fields[index]!, fields[index - 1]!];
    this.#change({ fields });
  }

  #closeForm(message = ''): void {
    this.draft = undefined;
    this.issues = {};
    this.status = message;
    void this.updateComplete.then(() => this.renderRoot.querySelector<HTMLElement>('h2')?.focus());
  }

  #announce(): void {
    this.dispatchEvent(new CustomEvent('templates-changed', { bubbles: true, composed: true, detail: { templates: this.templates ?? [] } }));
  }

  async #save(event: Event): Promise<void> {
    event.preventDefault();
    const draft = this.draft!;
    const t = this.strings;
    this.issues = checkDraft(draft, t);
    this.error = undefined;
    if (Object.keys(this.issues).length) {
      this.error = t.invalid.fix;
      await this.updateComplete;
      this.renderRoot.querySelector<HTMLElement>('[aria-invalid="true"]')?.focus();
      return;
    }
    this.busy = true;
    try {
      const saved = draft.id ? await this.#api!.update(draft.id, toInput(draft)) : await this.#api!.create(toInput(draft));
      const others = (this.templates ?? []).filter((template) => template.id !== saved.id);
      this.templates = [...others, saved].sort((a, b) => a.name.localeCompare(b.name));
      this.#announce();
      this.#closeForm(t.saved(saved.name));
    } catch (error) {
      const issues: Record<string, string> = {};
      for (const issue of (error as { issues?: ApiIssue[] }).issues ?? []) issues[issue.path] = issue.message;
      this.issues = issues;
      this.error = describeRefusal(error, detailStrings[this.locale] ?? detailStrings.en);
    } finally {
      this.busy = false;
    }
  }

  async #remove(template: TemplateView): Promise<void> {
    this.busy = true;
    try {
      await this.#api!.remove(template.id);
      this.templates = (this.templates ?? []).filter((known) => known.id !== template.id);
      this.confirming = undefined;
      this.#announce();
      this.#closeForm(this.strings.removed(template.name));
    } catch (error) {
      this.error = describeRefusal(error, detailStrings[this.locale] ?? detailStrings.en);
    } finally {
      this.busy = false;
    }
  }

  #issue(path: string) {
    const message = this.issues[path];
    const id = `issue-${path.replace(/\./g, '-')}`;
    return {
      invalid: message ? 'true' : 'false',
      describedBy: message ? id : nothing,
      text: message ? html`<p class="error" id=${id}>${message}</p>` : nothing,
    };
  }

  #field(field: FieldDraft, index: number) {
    const t = this.strings;
    const n = index + 1;
    const key = this.#issue(`fields.${index}.key`);
    const label = this.#issue(`fields.${index}.label`);
    const options = this.#issue(`fields.${index}.options`);
    const id = (name: string) => `f${field.uid}-${name}`;
    return html`<fieldset class="field" data-index=${index}>
      <legend>${t.field(n)}</legend>
      <div class="row">
        <div class="grow"><label for=${id('key')}>${t.key}</label>
          <input id=${id('key')} .value=${field.key} autocomplete="off" maxlength="64" aria-invalid=${key.invalid} aria-describedby="${id('hint')} ${this.issues[`fields.${index}.key`] ? `issue-fields-${index}-key` : ''}"
            @input=${(event: Event) => this.#changeField(index, { key: (event.target as HTMLInputElement).value })} />
          <span class="muted" id=${id('hint')}>${t.keyHint}</span>${key.text}</div>
        <div class="grow"><label for=${id('label')}>${t.label}</label>
          <input id=${id('label')} .value=${field.label} autocomplete="off" maxlength="100" aria-invalid=${label.invalid} aria-describedby=${label.describedBy}
            @input=${(event: Event) => this.#changeField(index, { label: (event.target as HTMLInputElement).value })} />${label.text}</div>
        <div><label for=${id('type')}>${t.type}</label>
          <select id=${id('type')} @change=${(event: Event) => this.#changeField(index, { type: (event.target as HTMLSelectElement).value as FieldType })}>
            ${fieldTypes.map((type) => html`<option value=${type} ?selected=${type === field.type}>${t.types[type]}</option>`)}
          </select></div>
      </div>
      ${field.type === 'select'
        ? html`<div><label for=${id('options')}>${t.options}</label>
            <textarea id=${id('options')} rows="3" .value=${field.options} aria-invalid=${options.invalid} aria-describedby=${options.describedBy}
              @input=${(event: Event) => this.#changeField(index, { options: (event.target as HTMLTextAreaElement).value })}></textarea>${options.text}</div>`
        : nothing}
      <div class="row">
        <label class="check"><input type="checkbox" .checked=${field.required} @change=${(event: Event) => this.#changeField(index, { required: (event.target as HTMLInputElement).checked })} />${t.required}</label>
        <span class="grow"></span>
        ${index > 0 ? html`<button class="button" type="button" aria-label=${t.moveUp(n)} @click=${() => this.#moveUp(index)}>↑</button>` : nothing}
        <button class="button" type="button" @click=${() => this.#change({ fields: this.draft!.fields.filter((_, i) => i !== index) })}>${t.removeField(n)}</button>
      </div>
    </fieldset>`;
  }

  #form(draft: TemplateDraft) {
    const t = this.strings;
    const name = this.#issue('name');
    const tagsIssue = Object.entries(this.issues).find(([path]) => path.startsWith('defaultTagIds'));
    const fieldsIssue = this.#issue('fields');
    return html`<form novalidate @submit=${this.#save} aria-labelledby="form-title">
      <h3 id="form-title">${draft.id ? t.editing(draft.name) : t.creating}</h3>
      ${this.error ? html`<p class="alert" role="alert">${this.error}</p>` : nothing}
      <div><label for="name">${t.name}</label>
        <input id="name" .value=${draft.name} maxlength="100" autocomplete="off" aria-invalid=${name.invalid} aria-describedby=${name.describedBy}
          @input=${(event: Event) => this.#change({ name: (event.target as HTMLInputElement).value })} />${name.text}</div>
      <div><label for="description">${t.description}</label>
        <textarea id="description" rows="2" maxlength="1000" .value=${draft.description} @input=${(event: Event) => this.#change({ description: (event.target as HTMLTextAreaElement).value })}></textarea></div>
      <div><label for="priority">${t.defaultPriority}</label>
        <select id="priority" @change=${(event: Event) => this.#change({ defaultPriority: (event.target as HTMLSelectElement).value as TemplateDraft['defaultPriority'] })}>
          <option value="" ?selected=${!draft.defaultPriority}>${t.none}</option>
          ${priorities.map((priority) => html`<option value=${priority} ?selected=${priority === draft.defaultPriority}>${t.priorities[priority]}</option>`)}
        </select></div>
      <fieldset>
        <legend><strong>${t.defaultTags}</strong></legend>
        ${this.tags.length
          ? html`<div class="tags">${this.tags.map((tag) => html`<label class="check"><input type="checkbox" value=${tag.id} .checked=${draft.defaultTagIds.includes(tag.id)}
              @change=${(event: Event) => this.#change({ defaultTagIds: (event.target as HTMLInputElement).checked ? [...draft.defaultTagIds, tag.id] : draft.defaultTagIds.filter((id) => id !== tag.id) })} />
              <span class="swatch" ${tagColor(tag.color)} aria-hidden="true"></span>${tag.name}</label>`)}</div>`
          : html`<p class="muted">${t.noTags}</p>`}
        ${tagsIssue ? html`<p class="error">${tagsIssue[1]}</p>` : nothing}
      </fieldset>
      <fieldset>
        <legend><strong>${t.fields}</strong></legend>
        <div class="list">${draft.fields.map((field, index) => this.#field(field, index))}</div>
        ${fieldsIssue.text}
        <button class="button" type="button" id="add-field" @click=${async () => {
          this.#change({ fields: [...draft.fields, blankField()] });
          await this.updateComplete;
          this.renderRoot.querySelector<HTMLElement>(`.field[data-index="${draft.fields.length}"] input`)?.focus();
        }}>${t.addField}</button>
      </fieldset>
      <div class="row">
        <button class="button primary" type="submit" ?disabled=${this.busy}>${this.busy ? t.saving : t.save}</button>
        <button class="button" type="button" @click=${() => this.#closeForm()}>${t.cancel}</button>
      </div>
    </form>`;
  }

  protected override render() {
    const t = this.strings;
    return html`<div dir=${t.dir} lang=${this.locale}>
      <h2 tabindex="-1">${t.title}</h2>
      <p class="visually-hidden" role="status">${this.status}</p>
      ${this.status ? html`<p class="muted" aria-hidden="true">${this.status}</p>` : nothing}
      ${!this.draft && this.error ? html`<p class="alert" role="alert">${this.error}</p>` : nothing}
      ${this.templates === undefined
        ? html`<p class="muted">${t.loading}</p>`
        : this.templates.length
          ? html`<ul class="list">${this.templates.map((template) => html`<li data-template=${template.name}>
              <span class="name">${template.name}</span><span class="muted">${t.fieldCount(template.fields.length)}</span>
              <button class="button" type="button" aria-label="${t.edit} ${template.name}" @click=${() => this.#edit(template)}>${t.edit}</button>
              <button class="button" type="button" aria-label="${t.remove} ${template.name}" @click=${async () => {
                this.confirming = template;
                await this.updateComplete;
                this.renderRoot.querySelector<HTMLElement>('#confirm-remove')?.focus();
              }}>${t.remove}</button>
              ${this.confirming?.id === template.id
                ? html`<div class="confirm notice" role="alertdialog" aria-label=${t.remove}><span>${t.confirmRemove(template.name)}</span>
                    <div class="row"><button class="button primary" type="button" id="confirm-remove" ?disabled=${this.busy} @click=${() => void this.#remove(template)}>${t.confirm}</button>
                    <button class="button" type="button" @click=${() => (this.confirming = undefined)}>${t.cancel}</button></div></div>`
                : nothing}
            </li>`)}</ul>`
          : html`<p class="muted">${t.empty}</p>`}
      ${this.draft ? this.#form(this.draft) : html`<button class="button primary" type="button" id="new-template" @click=${() => this.#edit()}>${t.create}</button>`}
    </div>`;
  }
}

if (!customElements.get('console-template-editor')) customElements.define('console-template-editor', ConsoleTemplateEditor);

declare global {
  interface HTMLElementTagNameMap {
    'console-template-editor': ConsoleTemplateEditor;
  }
}
