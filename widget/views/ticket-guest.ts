/**
 * The guest's first step (guest mode): an email, and a name if they like, for a guest session
 * of their own. Nothing is stored before they send it.
 *
 * @summary Starts a guest session.
 * @csspart form - the form
 */
import { html, LitElement, nothing } from 'lit';
import { ApiFailure } from '../api/api-failure.ts';
import type { Strings } from '../i18n/strings.ts';
import type { WidgetSession } from '../state/session.ts';
import { describeFailure } from './describe-failure.ts';
import { sharedStyles } from './shared.styles.ts';
import { formStyles } from './ticket-new.styles.ts';

export class TicketGuest extends LitElement {
  static override properties = {
    session: { attribute: false },
    strings: { attribute: false },
    busy: { state: true },
    error: { state: true },
  };
  static override styles = [sharedStyles, formStyles];

  declare session: WidgetSession;
  declare strings: Strings;
  declare busy: boolean;
  declare error: string;

  constructor() {
    super();
    this.busy = false;
    this.error = '';
  }

  focusHeading(): void {
    this.renderRoot.querySelector('h3')?.focus();
  }

  async #submit(event: SubmitEvent): Promise<void> {
    event.preventDefault();
    const form = event.target as HTMLFormElement;
    const email = form.querySelector<HTMLInputElement>('#email')!;
    if (!email.checkValidity()) {
      this.error = email.value ? this.strings.form.invalidEmail : this.strings.form.required;
      email.focus();
      return;
    }
    this.busy = true;
    this.error = '';
    try {
      const name = form.querySelector<HTMLInputElement>('#name')!.value.trim();
      await this.session.startGuest(email.value.trim(), name || undefined);
    } catch (error) {
      this.error = describeFailure(error instanceof ApiFailure ? error : undefined, this.strings);
    } finally {
      this.busy = false;
    }
  }

  protected override render() {
    const t = this.strings;
    return html`
      <form part="form" novalidate @submit=${this.#submit}>
        <h3 tabindex="-1">${t.guest.title}</h3>
        <p class="muted">${t.guest.intro}</p>
        <div class="field">
          <label for="email">${t.guest.email}</label>
          <input id="email" type="email" autocomplete="email" required aria-invalid=${this.error ? 'true' : 'false'} aria-describedby="email-error" />
          ${this.error ? html`<p id="email-error" class="error">${this.error}</p>` : nothing}
        </div>
        <div class="field">
          <label for="name">${t.guest.name}</label>
          <input id="name" autocomplete="name" maxlength="100" />
        </div>
        <button class="button primary" type="submit" ?disabled=${this.busy}>${t.guest.start}</button>
      </form>
    `;
  }
}

if (!customElements.get('ticket-guest')) customElements.define('ticket-guest', TicketGuest);

declare global {
  interface HTMLElementTagNameMap {
    'ticket-guest': TicketGuest;
  }
}
