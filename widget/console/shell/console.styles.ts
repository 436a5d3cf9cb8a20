/**
 * What every console part shares: a host that does not inherit the page's text styles, buttons,
 * 16px fields, badges, visible focus, and no motion for those who asked for none. Colours are the
 * --tc-* tokens <ticket-console> sets (console-tokens.styles.ts).
 */
import { css } from 'lit';
import { consoleBaseStyles } from './console-base.styles.ts';

export const consoleStyles = css`
  ${consoleBaseStyles}
  h1, h2, h3, p, ul, ol { margin: 0; padding: 0; }
  h1:focus, h2:focus { outline: none; }
  button:disabled { cursor: not-allowed; opacity: 0.6; }
  .button {
    border: 1px solid var(--tc-border);
    background: var(--tc-bg);
    border-radius: var(--tc-radius);
    padding: 6px 12px;
    min-block-size: 36px;
  }
  .button:hover:not(:disabled) { background: var(--tc-surface); }
  .primary { border-color: var(--tc-accent); background: var(--tc-accent); color: var(--tc-on-accent); font-weight: 600; }
  .primary:hover:not(:disabled) { background: var(--tc-accent); filter: brightness(1.1); }
  label { font-weight: 600; }
  input, select, textarea {
    font: inherit;
    font-size: 16px;
    color: var(--tc-text);
    background: var(--tc-bg);
    border: 1px solid var(--tc-border);
    border-radius: var(--tc-radius);
    padding: 6px 8px;
    min-block-size: 36px;
  }
  input[type='checkbox'] { min-block-size: auto; inline-size: 18px; block-size: 18px; margin: 0; }
  .muted { color: var(--tc-muted); font-size: 13px; }
  .alert { border: 1px solid var(--tc-danger); color: var(--tc-danger); background: var(--tc-bg); border-radius: var(--tc-radius); padding: 8px 12px; }
  .note { padding: 16px; color: var(--tc-muted); }
  .badge {
    display: inline-block;
    border-radius: 999px;
    padding: 0 8px;
    font-size: 12px;
    font-weight: 600;
    background: var(--tc-surface);
    border: 1px solid var(--tc-border);
    white-space: nowrap;
  }
  .visually-hidden { position: absolute !important; inline-size: 1px; block-size: 1px; overflow: hidden; clip-path: inset(50%); white-space: nowrap; }
  @media (prefers-reduced-motion: reduce) {
    *, *::before, *::after { transition: none !important; animation: none !important; scroll-behavior: auto !important; }
  }
`;
