/** Header on top; list and detail side by side, each scrolling on its own; one at a time when narrow. */
import { css } from 'lit';

export const consoleWorkspaceStyles = css`
  :host { display: flex; flex-direction: column; block-size: 100%; min-block-size: 0; }
  header { display: flex; flex-wrap: wrap; align-items: center; gap: 8px 16px; padding: 8px 16px; border-block-end: 1px solid var(--tc-border); background: var(--tc-bg); }
  h1 { font-size: 18px; margin-inline-end: auto; }
  .connection { display: inline-flex; align-items: center; gap: 6px; font-size: 13px; color: var(--tc-muted); }
  .connection .dot { inline-size: 8px; block-size: 8px; border-radius: 50%; background: var(--tc-muted); }
  .connection.live .dot { background: var(--tc-success); }
  .who { font-size: 13px; }
  .panes { flex: 1; min-block-size: 0; display: grid; grid-template-columns: minmax(340px, 2fr) 3fr; }
  .list-pane, .detail-pane { overflow: auto; min-block-size: 0; }
  .list-pane { border-inline-end: 1px solid var(--tc-border); }
  .back { margin: 8px 12px; }
  console-ticket-detail, console-template-editor { padding: 12px 16px; }
  :host([narrow]) .panes { grid-template-columns: 1fr; }
  :host([narrow]) .list-pane { border-inline-end: 0; }
`;
