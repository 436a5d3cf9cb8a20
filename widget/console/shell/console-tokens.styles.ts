/**
 * The console's design tokens: the one set of custom properties every console part styles with
 * (shell, list, detail pane, template editor). <ticket-console> sets them once on its host and
 * every part inherits them through the shadow roots; no part defines its own.
 *
 * A page themes the console either way:
 * - the public `--ticket-*` property of the same name (shared with <ticket-widget>, so one rule
 *   themes both), e.g. `:root { --ticket-accent: #0a7d52; }`;
 * - or a `--tc-*` token itself on the element (the page's rule beats the host's default),
 *   e.g. `ticket-console { --tc-note-bg: #fdf2f8; }`.
 *
 * The defaults pass WCAG AA on their own (text on `--tc-bg` and `--tc-surface`).
 */
import { css } from 'lit';

/** The declarations alone: `:host { ${consoleTokens} }` (a test mounting one pane alone puts them on its page). */
export const consoleTokens = css`
  --tc-accent: var(--ticket-accent, #2554c7);
  --tc-on-accent: var(--ticket-on-accent, #fff);
  --tc-bg: var(--ticket-background, #fff);
  --tc-surface: var(--ticket-surface, #f4f5f7);
  --tc-text: var(--ticket-text, #1d2330);
  --tc-muted: var(--ticket-muted, #535b6b);
  --tc-border: var(--ticket-border, #9ca3af);
  --tc-danger: var(--ticket-danger, #b42318);
  --tc-success: var(--ticket-success, #1a7f37);
  --tc-note-bg: var(--ticket-note-background, #fff7d6);
  --tc-note-border: var(--ticket-note-border, #a16207);
  --tc-note-text: var(--ticket-note-text, #713f12);
  --tc-radius: var(--ticket-radius, 8px);
  --tc-font: var(--ticket-font, system-ui, -apple-system, 'Segoe UI', Roboto, sans-serif);
`;

export const consoleTokenStyles = css`
  :host {
    ${consoleTokens}
  }
`;
