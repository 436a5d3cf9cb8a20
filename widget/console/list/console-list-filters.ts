/**
 * `<console-list-filters>`: the controls above the list — statuses (several at once), priority,
 * assignee (anyone, me, unassigned, a person), tag, text search, sort and order. Each change is
 * announced at once, except typing in the search box, which waits for a pause.
 *
 * @summary The list's filters and sort.
 * @fires console-filters-change - {@link FiltersChangeEvent}: new filters (`event.filters`, `event.typing`)
 */
import { css, html, LitElement } from 'lit';
import type { TagView, TeamMemberView, TicketPriority, TicketStatus } from '../api/list-api.ts';
import type { ConsoleStrings } from '../i18n/console-strings.ts';
import { consoleStyles } from '../shell/console.styles.ts';
import { defaultFilters, priorities, sorts, statuses, type ListFilters, type Order, type Sort } from '../state/list-filters.ts';

export class FiltersChangeEvent extends Event {
  readonly filters: ListFilters;
  /** True while the agent is typing a search: the URL is replaced rather than pushed. */
  readonly typing: boolean;
  constructor(filters: ListFilters, typing = false) {
    super('console-filters-change', { bubbles: true, composed: true });
    this.filters = filters;
    this.typing = typing;
  }
}

const searchPauseMs = 300;

export class ConsoleListFilters extends LitElement {
  static override properties = {
    filters: { attribute: false },
    strings: { attribute: false },
    team: { attribute: false },
    tags: { attribute: false },
  };
  static override styles = [
    consoleStyles,
    css`
      form { display: flex; flex-wrap: wrap; gap: 8px 12px; align-items: end; padding: 12px; border-block-end: 1px solid var(--tc-border); }
      fieldset { border: 0; margin: 0; padding: 0; display: flex; flex-wrap: wrap; gap: 4px 10px; inline-size: 100%; }
      legend { font-weight: 600; padding: 0; margin-block-end: 4px; }
      .check { display: inline-flex; align-items: center; gap: 4px; font-weight: 400; }
      .field { display: grid; gap: 2px; flex: 1 1 140px; }
      .field label { font-size: 13px; }
      .search { flex-basis: 100%; }
      input[type='search'] { inline-size: 100%; }
    `,
  ];

  declare filters: ListFilters;
  declare strings: ConsoleStrings;
  declare team: TeamMemberView[];
  declare tags: TagView[];
  #searchTimer: ReturnType<typeof setTimeout> | undefined;

  constructor() {
    super();
    this.filters = defaultFilters;
    this.team = [];
    this.tags = [];
  }

  /** Puts focus in the search box. */
  focusSearch(): void {
    const input = this.renderRoot.querySelector<HTMLInputElement>('input[type=search]');
    input?.focus();
    input?.select();
  }

  override disconnectedCallback(): void {
    super.disconnectedCallback();
    clearTimeout(this.#searchTimer);
  }

  #emit(change: Partial<ListFilters>, typing = false): void {
    clearTimeout(this.#searchTimer);
    // Kept here at once, so a second change before the next render builds on the first.
    this.filters = { ...this.filters, ...change };
    this.dispatchEvent(new FiltersChangeEvent(this.filters, typing));
  }

  #toggleStatus(status: TicketStatus, on: boolean): void {
    const chosen = new Set(this.filters.status);
    if (on) chosen.add(status);
    else chosen.delete(status);
    this.#emit({ status: statuses.filter((s) => chosen.has(s)) });
  }

  #typed(value: string): void {
    clearTimeout(this.#searchTimer);
    this.#searchTimer = setTimeout(() => this.#emit({ q: value }, true), searchPauseMs);
  }

  protected override render() {
    const t = this.strings;
    const f = this.filters;
    const value = (e: Event) => (e.target as HTMLSelectElement).value;
    return html`<form role="search" aria-label=${t.filters.label} @submit=${(e: Event) => {
      e.preventDefault();
      this.#emit({ q: this.renderRoot.querySelector<HTMLInputElement>('input[type=search]')!.value });
    }}>
      <div class="field search">
        <label for="q">${t.filters.search}</label>
        <input id="q" type="search" .value=${f.q} maxlength="200" aria-keyshortcuts="/" @input=${(e: Event) => this.#typed(value(e))} />
      </div>
      <fieldset>
        <legend>${t.filters.status}</legend>
        ${statuses.map(
          (status) => html`<label class="check"><input type="checkbox" name="status" value=${status} .checked=${f.status.includes(status)} @change=${(e: Event) => this.#toggleStatus(status, (e.target as HTMLInputElement).checked)} />${t.status[status]}</label>`,
        )}
      </fieldset>
      <div class="field">
        <label for="priority">${t.filters.priority}</label>
        <select id="priority" @change=${(e: Event) => this.#emit({ priority: value(e) as TicketPriority | '' })}>
          <option value="" .selected=${!f.priority}>${t.filters.anyPriority}</option>
          ${priorities.map((p) => html`<option value=${p} .selected=${f.priority === p}>${t.priority[p]}</option>`)}
        </select>
      </div>
      <div class="field">
        <label for="assignee">${t.filters.assignee}</label>
        <select id="assignee" @change=${(e: Event) => this.#emit({ assignee: value(e) })}>
          <option value="" .selected=${!f.assignee}>${t.filters.anyone}</option>
          <option value="me" .selected=${f.assignee === 'me'}>${t.filters.me}</option>
          <option value="unassigned" .selected=${f.assignee === 'unassigned'}>${t.filters.unassigned}</option>
          ${this.team.map((m) => html`<option value=${m.id} .selected=${f.assignee === m.id}>${m.displayName}</option>`)}
        </select>
      </div>
      <div class="field">
        <label for="tag">${t.filters.tag}</label>
        <select id="tag" @change=${(e: Event) => this.#emit({ tag: value(e) })}>
          <option value="" .selected=${!f.tag}>${t.filters.anyTag}</option>
          ${this.tags.map((tag) => html`<option value=${tag.id} .selected=${f.tag === tag.id}>${tag.name}</option>`)}
        </select>
      </div>
      <div class="field">
        <label for="sort">${t.filters.sort}</label>
        <select id="sort" @change=${(e: Event) => this.#emit({ sort: value(e) as Sort })}>
          ${sorts.map((s) => html`<option value=${s} .selected=${f.sort === s}>${t.sorts[s]}</option>`)}
        </select>
      </div>
      <div class="field">
        <label for="order">${t.filters.order}</label>
        <select id="order" @change=${(e: Event) => this.#emit({ order: value(e) as Order })}>
          <option value="desc" .selected=${f.order === 'desc'}>${t.filters.desc}</option>
          <option value="asc" .selected=${f.order === 'asc'}>${t.filters.asc}</option>
        </select>
      </div>
      <button class="button" type="button" @click=${() => this.#emit({ ...defaultFilters })}>${t.filters.clear}</button>
    </form>`;
  }
}

if (!customElements.get('console-list-filters')) customElements.define('console-list-filters', ConsoleListFilters);

declare global {
  interface HTMLElementTagNameMap {
    'console-list-filters': ConsoleListFilters;
  }
  interface GlobalEventHandlersEventMap {
    'console-filters-change': FiltersChangeEvent;
  }
}
