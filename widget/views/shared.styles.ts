/**
 * What every view shares: its host resets inherited text styles (the page's CSS stops at the
 * shadow root, but inheritance would not), buttons, fields at 16px (no zoom on phones), focus
 * rings, and no motion for those who asked for none. Colours come from the --tw-* tokens that
 * <ticket-widget> derives from the public --ticket-* properties.
 */
import { css } from 'lit';

export const sharedStyles = css`
  :host {
    all: initial;
    display: block;
    box-sizing: border-box;
    font-family: var(--tw-font);
    font-size: 15px;
    line-height: 1.45;
    color: var(--tw-text);
  }
  *, *::before, *::after { box-sizing: inherit; }
  [hidden] { display: none !important; }
  h2, h3, p, ul, ol { margin: 0; padding: 0; }
  ul, ol { list-style: none; }
  :focus-visible { outline: 3px solid var(--tw-accent); outline-offset: 2px; }
  h2:focus, h3:focus { outline: none; }
  button { font: inherit; color: inherit; cursor: pointer; }
  button:disabled { cursor: not-allowed; opacity: 0.6; }
  .button {
    border: 1px solid var(--tw-border);
    background: var(--tw-bg);
    border-radius: calc(var(--tw-radius) / 1.5);
    padding: 8px 14px;
    min-block-size: 40px;
  }
  .button:hover:not(:disabled) { background: var(--tw-surface); }
  .primary {
    border-color: var(--tw-accent);
    background: var(--tw-accent);
    color: var(--tw-on-accent);
    font-weight: 600;
  }
  .primary:hover:not(:disabled) { background: var(--tw-accent); filter: brightness(1.1); }
  .link {
    border: none;
    background: none;
    padding: 4px;
    color: var(--tw-accent);
    text-decoration: underline;
  }
  label { display: block; font-weight: 600; margin-block-end: 4px; }
  input, textarea, select {
    font: inherit;
    font-size: 16px;
    color: var(--tw-text);
    background: var(--tw-bg);
    inline-size: 100%;
    border: 1px solid var(--tw-border);
    border-radius: calc(var(--tw-radius) / 1.5);
    padding: 8px 10px;
  }
  input[type='checkbox'] { inline-size: auto; }
  textarea { resize: vertical; min-block-size: 96px; }
  [aria-invalid='true'] { border-color: var(--tw-danger); }
  .error { color: var(--tw-danger); font-size: 14px; margin-block-start: 4px; }
  .muted { color: var(--tw-muted); font-size: 13px; }
  .alert {
    border: 1px solid var(--tw-danger);
    color: var(--tw-danger);
    background: var(--tw-bg);
    border-radius: calc(var(--tw-radius) / 1.5);
    padding: 8px 12px;
  }
  .visually-hidden {
    position: absolute !important;
    inline-size: 1px;
    block-size: 1px;
    overflow: hidden;
    clip-path: inset(50%);
    white-space: nowrap;
  }
  .badge {
    display: inline-block;
    border-radius: 999px;
    padding: 1px 8px;
    font-size: 12px;
    font-weight: 600;
    background: var(--tw-surface);
    border: 1px solid var(--tw-border);
    color: var(--tw-text);
  }
  @media (prefers-reduced-motion: reduce) {
    *, *::before, *::after { transition: none !important; animation: none !important; scroll-behavior: auto !important; }
  }
`;

/** The "drop files here" overlay of the views that take attachments by drag and drop. */
export const dropOverlayStyles = css`
  .drop {
    position: absolute;
    inset: 8px;
    display: grid;
    place-items: center;
    border: 3px dashed var(--tw-accent);
    border-radius: var(--tw-radius);
    background: rgb(255 255 255 / 0.92);
    color: var(--tw-accent);
    font-weight: 700;
    pointer-events: none;
    z-index: 2;
  }
`;
