/**
 * `<console-sign-in>`: a team member's email and password, exchanged for a token
 * (`POST /api/v1/sessions/agent`). A refusal is said next to the form; the password is never kept.
 *
 * @summary The console's sign-in form.
 * @fires console-signed-in - {@link SignedInEvent}: the server issued a token (`event.session`)
 */
import { css, html, LitElement, nothing } from 'lit';
import type { ApiFailure } from '../../api/api-failure.ts';
import { signInAgent, type AgentSession } from '../api/list-api.ts';
import type { ConsoleStrings } from '../i18n/console-strings.ts';
import { consoleStyles } from './console.styles.ts';

export class SignedInEvent extends Event {
  readonly session: AgentSession;
  constructor(session: AgentSession) {
    super('console-signed-in', { bubbles: true, composed: true });
    this.session = session;
  }
}

export class ConsoleSignIn extends LitElement {
  static override properties = {
    server: { attribute: false },
    strings: { attribute: false },
    working: { state: true },
    error: { state: true },
  };
  static override styles = [
    consoleStyles,
    css`
      form { display: grid; gap: 12px; max-inline-size: 360px; margin: 48px auto; padding: 24px; border: 1px solid var(--tc-border); border-radius: var(--tc-radius); }
      h1 { font-size: 20px; }
      .field { display: grid; gap: 4px; }
    `,
  ];

  declare server: string;
  declare strings: ConsoleStrings;
  declare working: boolean;
  declare error: string;

  constructor() {
    super();
    this.working = false;
    this.error = '';
  }

  /** Puts focus on the email field. */
  focusForm(): void {
    this.renderRoot.querySelector<HTMLInputElement>('input')?.focus();
  }

  async #submit(event: SubmitEvent): Promise<void> {
    event.preventDefault();
    const form = event.currentTarget as HTMLFormElement;
    const data = new FormData(form);
    this.working = true;
    this.error = '';
    try {
      const session = await signInAgent(this.server, String(data.get('email')).trim(), String(data.get('password')));
      form.reset();
      this.dispatchEvent(new SignedInEvent(session));
    } catch (error) {
      const failure = error as ApiFailure;
      this.error = failure.code === 'unauthorized' || failure.code === 'validation_failed' ? this.strings.signIn.refused : failure.code === 'network' ? this.strings.errors.network : failure.message;
      await this.updateComplete;
      this.renderRoot.querySelector<HTMLInputElement>('[name=password]')?.focus();
    } finally {
      this.working = false;
    }
  }

  protected override render() {
    const t = this.strings;
    return html`<form @submit=${this.#submit} aria-labelledby="title" aria-busy=${this.working}>
      <h1 id="title">${t.signIn.title}</h1>
      <div class="field">
        <label for="email">${t.signIn.email}</label>
        <input id="email" name="email" type="email" autocomplete="username" required />
      </div>
      <div class="field">
        <label for="password">${t.signIn.password}</label>
        <input id="password" name="password" type="password" autocomplete="current-password" required aria-describedby=${this.error ? 'error' : nothing} />
      </div>
      ${this.error ? html`<p id="error" class="alert" role="alert">${this.error}</p>` : nothing}
      <button class="button primary" type="submit" ?disabled=${this.working}>${this.working ? t.signIn.working : t.signIn.submit}</button>
    </form>`;
  }
}

if (!customElements.get('console-sign-in')) customElements.define('console-sign-in', ConsoleSignIn);

declare global {
  interface HTMLElementTagNameMap {
    'console-sign-in': ConsoleSignIn;
  }
  interface GlobalEventHandlersEventMap {
    'console-signed-in': SignedInEvent;
  }
}
