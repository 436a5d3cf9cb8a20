/**
 * The ground every console part stands on, whether it takes the shell's styles
 * (console.styles.ts) or the detail pane's (detail/detail.styles.ts): a host that does not
 * inherit the page's text styles, border-box sizing, [hidden] that hides, plain lists, focus
 * rings that always show, and buttons in the surrounding font.
 */
import { css } from 'lit';

export const consoleBaseStyles = css`
  :host {
    display: block;
    box-sizing: border-box;
    font-family: var(--tc-font);
    font-size: 15px;
    line-height: 1.45;
    color: var(--tc-text);
  }
  *, *::before, *::after { box-sizing: inherit; }
  [hidden] { display: none !important; }
  ul, ol { list-style: none; }
  :focus-visible { outline: 3px solid var(--tc-accent); outline-offset: 2px; }
  button { font: inherit; color: inherit; cursor: pointer; }
`;
