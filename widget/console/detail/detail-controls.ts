/**
 * Status, priority, assignee and due date. Each change is one PATCH of that field alone; a refusal
 * is shown beside the control, which goes back to the server's value. While an agent is editing a
 * control (it has focus, or holds a due date not yet saved), fresher server state for that field
 * does not replace what they see: it is announced instead ("Someone else changed the priority to
 * High while you were editing"), with a button to take the new value.
 *
 * @summary The ticket's properties.
 */
import { css, html, LitElement, nothing, type PropertyValues } from 'lit';
import { live } from 'lit/directives/live.js';
import type { MeView } from '../../api/types.ts';
import type { DetailApi, TeamMemberView, TicketDetailView, TicketPatch } from './detail-api.ts';
import { DetailPatchEvent } from './detail-events.ts';
import { detailStyles } from './detail.styles.ts';
import { describeRefusal, type ControlField, type DetailStrings } from './detail-strings.ts';

const fields: ControlField[] = ['status', 'priority', 'assignee', 'dueDate'];
const statuses = ['open', 'in_progress', 'waiting_on_customer', 'resolved', 'closed'] as const;
const priorities = ['low', 'medium', 'high', 'urgent'] as const;

/** A field's value as the control holds it: a string, '' for none. */
export function controlValue(ticket: TicketDetailView, field: ControlField): string {
  if (field === 'assignee') return ticket.assignee?.id ?? '';
  if (field === 'dueDate') return ticket.dueDate ? new Date(ticket.dueDate).toISOString() : '';
  return ticket[field];
}

/** `datetime-local` speaks local time without a zone. */
const toLocalInput = (iso: string) => {
  if (!iso) return '';
  const date = new Date(iso);
  return new Date(date.getTime() - date.getTimezoneOffset() * 60_000).toISOString().slice(0, 16);
};
const fromLocalInput = (value: string) => (value ? new Date(value).toISOString() : '');

function patchFor(field: ControlField, value: string): TicketPatch {
  if (field === 'assignee') return { assigneeId: value || null };
  if (field === 'dueDate') return { dueDate: value || null };
  if (field === 'status') return { status: value as TicketPatch['status'] & string };
  return { priority: value as TicketPatch['priority'] & string };
}

type PerField<T> = Partial<Record<ControlField, T>>;

export class ConsoleTicketControls extends LitElement {
  static override properties = {
    api: { attribute: false },
    ticket: { attribute: false },
    team: { attribute: false },
    me: { attribute: false },
    strings: { attribute: false },
    locale: {},
    base: { state: true },
    draft: { state: true },
    conflicts: { state: true },
    errors: { state: true },
    saving: { state: true },
  };
  static override styles = [
    detailStyles,
    css`
      .fields { display: grid; gap: 10px; }
      .notice { display: grid; gap: 4px; justify-items: start; font-size: 14px; }
    `,
  ];

  declare api: DetailApi;
  declare ticket: TicketDetailView;
  declare team: TeamMemberView[];
  declare me: MeView;
  declare strings: DetailStrings;
  declare locale: string;
  /** The server's value when the agent began editing a field (what the control shows meanwhile). */
  declare base: PerField<string>;
  /** A due date typed but not saved yet. */
  declare draft: PerField<string>;
  /** The server's newer value of a field being edited. */
  declare conflicts: PerField<string>;
  declare errors: PerField<string>;
  declare saving: PerField<boolean>;
  #focused: ControlField | undefined;

  constructor() {
    super();
    this.team = [];
    this.base = {};
    this.draft = {};
    this.conflicts = {};
    this.errors = {};
    this.saving = {};
  }

  protected override willUpdate(changed: PropertyValues<this>): void {
    const previous = changed.get('ticket');
    if (!changed.has('ticket') || !this.ticket) return;
    if (previous && previous.id !== this.ticket.id) {
      this.base = {};
      this.draft = {};
      this.conflicts = {};
      this.errors = {};
      return;
    }
    const conflicts = { ...this.conflicts };
    for (const field of fields) {
      const base = this.base[field];
      if (base === undefined || this.saving[field]) continue;
      const server = controlValue(this.ticket, field);
      if (server !== base) conflicts[field] = server;
      else delete conflicts[field];
    }
    this.conflicts = conflicts;
  }

  /** What the control shows: the agent's draft, else what they began editing from, else the server's. */
  #shown(field: ControlField): string {
    return this.draft[field] ?? this.base[field] ?? controlValue(this.ticket, field);
  }

  #focus(field: ControlField): void {
    this.#focused = field;
    if (this.base[field] === undefined) this.base = { ...this.base, [field]: controlValue(this.ticket, field) };
  }

  #blur(field: ControlField): void {
    if (this.#focused === field) this.#focused = undefined;
    // Leaving a control with nothing pending ends the edit; a conflict notice stays until acted on.
    if (this.draft[field] === undefined && !this.saving[field] && this.conflicts[field] === undefined) this.#endEdit(field);
  }

  #endEdit(field: ControlField): void {
    const { [field]: _base, ...base } = this.base;
    const { [field]: _conflict, ...conflicts } = this.conflicts;
    const { [field]: _draft, ...draft } = this.draft;
    this.base = base;
    this.conflicts = conflicts;
    this.draft = draft;
  }

  /** Sends one field; the answer is the ticket as the server has it now. */
  async apply(field: ControlField, value: string): Promise<void> {
    this.saving = { ...this.saving, [field]: true };
    this.errors = { ...this.errors, [field]: undefined };
    try {
      const next = await this.api.patchTicket(this.ticket.id, patchFor(field, value));
      this.#endEdit(field);
      if (this.#focused === field) this.base = { ...this.base, [field]: controlValue(next, field) };
      this.dispatchEvent(new DetailPatchEvent(() => next));
    } catch (error) {
      this.errors = { ...this.errors, [field]: describeRefusal(error, this.strings) };
      this.#endEdit(field);
      if (this.#focused === field) this.base = { ...this.base, [field]: controlValue(this.ticket, field) };
    } finally {
      this.saving = { ...this.saving, [field]: false };
    }
  }

  #takeTheirs(field: ControlField): void {
    this.#endEdit(field);
    if (this.#focused === field) this.base = { ...this.base, [field]: controlValue(this.ticket, field) };
    this.renderRoot.querySelector<HTMLElement>(`#${field}`)?.focus();
  }

  #label(field: ControlField, value: string): string {
    const t = this.strings;
    if (field === 'status') return t.status[value as keyof DetailStrings['status']] ?? value;
    if (field === 'priority') return t.priority[value as keyof DetailStrings['priority']] ?? value;
    if (field === 'assignee') return value ? this.team.find((member) => member.id === value)?.displayName ?? this.ticket.assignee?.name ?? value : t.unassigned;
    return value ? new Intl.DateTimeFormat(this.locale, { dateStyle: 'medium', timeStyle: 'short' }).format(new Date(value)) : t.noDueDate;
  }

  #after(field: ControlField) {
    const t = this.strings;
    const conflict = this.conflicts[field];
    const error = this.errors[field];
    return html`
      ${this.saving[field] ? html`<p class="muted" role="status">${t.saving}</p>` : nothing}
      ${error ? html`<p class="error" role="alert" id="${field}-error">${error}</p>` : nothing}
      ${conflict !== undefined
        ? html`<div class="notice" role="alert" data-conflict=${field}>
            <span>⚠ ${t.conflict(t.someone, t.fieldInText[field], this.#label(field, conflict))}</span>
            <button class="button" type="button" @click=${() => this.#takeTheirs(field)}>${t.takeTheirs}</button>
          </div>`
        : nothing}
    `;
  }

  #select(field: 'status' | 'priority' | 'assignee', options: [string, string][]) {
    return html`<div>
      <label for=${field}>${this.strings.field[field]}</label>
      <select id=${field} .value=${live(this.#shown(field))} ?disabled=${this.saving[field]} aria-describedby=${this.errors[field] ? `${field}-error` : nothing}
        @focus=${() => this.#focus(field)} @blur=${() => this.#blur(field)}
        @change=${(event: Event) => void this.apply(field, (event.target as HTMLSelectElement).value)}>
        ${options.map(([value, label]) => html`<option value=${value} ?selected=${value === this.#shown(field)}>${label}</option>`)}
      </select>
      ${this.#after(field)}
    </div>`;
  }

  protected override render() {
    if (!this.ticket) return nothing;
    const t = this.strings;
    const assignees: [string, string][] = [['', t.unassigned], ...this.team.map((member): [string, string] => [member.id, member.displayName])];
    // The ticket may be assigned to someone the team list no longer has: still show them.
    const current = this.ticket.assignee;
    if (current && !this.team.some((member) => member.id === current.id)) assignees.push([current.id, current.name ?? current.id]);
    const due = this.#shown('dueDate');
    const overdue = due && Date.parse(due) < Date.now() && !['resolved', 'closed'].includes(this.ticket.status);
    const dueDirty = this.draft.dueDate !== undefined && this.draft.dueDate !== controlValue(this.ticket, 'dueDate');
    return html`<div class="fields">
      ${this.#select('status', statuses.map((status) => [status, t.status[status]]))}
      ${this.#select('priority', priorities.map((priority) => [priority, t.priority[priority]]))}
      ${this.#select('assignee', assignees)}
      ${this.ticket.assignee?.id !== this.me?.id && this.me
        ? html`<div><button class="button" type="button" id="assign-me" ?disabled=${this.saving.assignee} @click=${() => void this.apply('assignee', this.me.id)}>${t.assignMe}</button></div>`
        : nothing}
      <div>
        <label for="dueDate">${t.field.dueDate} ${overdue ? html`<span class="badge">${t.overdue}</span>` : nothing}</label>
        <div class="row">
          <input class="grow" id="dueDate" type="datetime-local" .value=${live(toLocalInput(due))} ?disabled=${this.saving.dueDate}
            aria-describedby=${this.errors.dueDate ? 'dueDate-error' : nothing}
            @focus=${() => this.#focus('dueDate')} @blur=${() => this.#blur('dueDate')}
            @input=${(event: Event) => (this.draft = { ...this.draft, dueDate: fromLocalInput((event.target as HTMLInputElement).value) })}
            @keydown=${(event: KeyboardEvent) => {
              if (event.key === 'Enter' && dueDirty) void this.apply('dueDate', this.draft.dueDate ?? '');
            }} />
          <button class="button" type="button" id="save-due" ?disabled=${!dueDirty || this.saving.dueDate} @click=${() => void this.apply('dueDate', this.draft.dueDate ?? '')}>${t.save}</button>
          <button class="button" type="button" id="clear-due" ?disabled=${!due || this.saving.dueDate} @click=${() => void this.apply('dueDate', '')}>${t.clear}</button>
        </div>
        ${this.#after('dueDate')}
      </div>
    </div>`;
  }
}

if (!customElements.get('console-ticket-controls')) customElements.define('console-ticket-controls', ConsoleTicketControls);

declare global {
  interface HTMLElementTagNameMap {
    'console-ticket-controls': ConsoleTicketControls;
  }
}
