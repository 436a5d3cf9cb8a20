/**
 * What every part of the detail pane and the template editor shares: fields at 16px, buttons,
 * focus rings that always show, badges, alerts, and the internal-note look. Colours are the
 * console's --tc-* tokens, which <ticket-console> sets (shell/console-tokens.styles.ts).
 */
import { css } from 'lit';
import { consoleBaseStyles } from '../shell/console-base.styles.ts';

export const detailStyles = css`
  ${consoleBaseStyles}
  h2, h3, h4, p, ul, ol, fieldset { margin: 0; padding: 0; }
  fieldset { border: none; min-inline-size: 0; }
  h2:focus, h3:focus { outline: none; }
  h3 { font-size: 15px; margin-block-end: 6px; }
  button:disabled { cursor: not-allowed; opacity: 0.65; }
  .button {
    border: 1px solid var(--tc-border);
    background: var(--tc-bg);
    border-radius: calc(var(--tc-radius) / 1.5);
    padding: 6px 12px;
    min-block-size: 36px;
  }
  .button:hover:not(:disabled) { background: var(--tc-surface); }
  .primary { border-color: var(--tc-accent); background: var(--tc-accent); color: var(--tc-on-accent); font-weight: 600; }
  .primary:hover:not(:disabled) { background: var(--tc-accent); filter: brightness(1.1); }
  .link { border: none; background: none; padding: 2px 4px; color: var(--tc-accent); text-decoration: underline; }
  label { display: block; font-weight: 600; margin-block-end: 2px; }
  input, textarea, select {
    font: inherit;
    font-size: 16px;
    color: var(--tc-text);
    background: var(--tc-bg);
    inline-size: 100%;
    border: 1px solid var(--tc-border);
    border-radius: calc(var(--tc-radius) / 1.5);
    padding: 6px 8px;
  }
  input[type='checkbox'], input[type='radio'] { inline-size: auto; }
  input[type='color'] { inline-size: 48px; padding: 2px; block-size: 36px; }
  textarea { resize: vertical; }
  [aria-invalid='true'] { border-color: var(--tc-danger); border-width: 2px; }
  .error { color: var(--tc-danger); font-size: 14px; margin-block-start: 2px; }
  .muted { color: var(--tc-muted); font-size: 13px; }
  .alert { border: 1px solid var(--tc-danger); color: var(--tc-danger); background: var(--tc-bg); border-radius: calc(var(--tc-radius) / 1.5); padding: 6px 10px; }
  .notice { border: 2px solid var(--tc-note-border); color: var(--tc-note-text); background: var(--tc-note-bg); border-radius: calc(var(--tc-radius) / 1.5); padding: 6px 10px; }
  .row { display: flex; gap: 6px; align-items: end; flex-wrap: wrap; }
  .row > .grow { flex: 1 1 10em; }
  .badge { display: inline-block; border-radius: 999px; padding: 1px 8px; font-size: 12px; font-weight: 600; background: var(--tc-surface); border: 1px solid var(--tc-border); }
  .visually-hidden { position: absolute !important; inline-size: 1px; block-size: 1px; overflow: hidden; clip-path: inset(50%); white-space: nowrap; }
  @media (prefers-reduced-motion: reduce) {
    *, *::before, *::after { transition: none !important; animation: none !important; scroll-behavior: auto !important; }
  }
`;
