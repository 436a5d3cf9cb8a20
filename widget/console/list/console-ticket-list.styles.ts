/** The list: a bulk bar, cards with a checkbox, the card's button and its quick actions. */
import { css } from 'lit';

export const consoleTicketListStyles = css`
  .notices:empty { display: none; }
  .notices { display: grid; gap: 8px; padding: 8px 12px; }
  .notice { display: flex; gap: 8px; align-items: center; justify-content: space-between; }
  .bulk { display: flex; flex-wrap: wrap; gap: 8px; align-items: center; padding: 8px 12px; border-block-end: 1px solid var(--tc-border); min-block-size: 52px; }
  .check { display: inline-flex; align-items: center; gap: 6px; font-weight: 400; }
  .count { font-weight: 600; }
  .card {
    display: grid;
    grid-template-columns: auto 1fr;
    gap: 4px 10px;
    padding: 10px 12px;
    border-block-end: 1px solid var(--tc-border);
    border-inline-start: 4px solid transparent;
  }
  .card.selected { background: var(--tc-surface); border-inline-start-color: var(--tc-accent); }
  .card[aria-busy='true'] { opacity: 0.75; }
  .pick { margin-block-start: 4px; }
  .open { display: grid; gap: 2px; text-align: start; border: 0; background: none; padding: 2px; border-radius: var(--tc-radius); min-inline-size: 0; }
  .head { display: flex; gap: 8px; align-items: baseline; }
  .title { font-weight: 600; overflow: hidden; text-overflow: ellipsis; white-space: nowrap; }
  .unread .title::before { content: ''; display: inline-block; inline-size: 8px; block-size: 8px; border-radius: 50%; background: var(--tc-accent); margin-inline-end: 6px; }
  .unread-badge { color: var(--tc-accent); border-color: var(--tc-accent); }
  .customer, .snippet, .assignee { color: var(--tc-muted); font-size: 13px; }
  .snippet { overflow: hidden; text-overflow: ellipsis; white-space: nowrap; }
  .meta { display: flex; flex-wrap: wrap; gap: 4px 8px; align-items: center; font-size: 13px; }
  .status-open { color: #174ea6; }
  .status-in_progress { color: #5b3a9e; }
  .status-waiting_on_customer { color: #7a4b00; }
  .status-resolved { color: #176c2f; }
  .priority-urgent { color: var(--tc-danger); border-color: var(--tc-danger); }
  .priority-high { color: #8a4500; }
  .due { color: var(--tc-muted); }
  .overdue { color: var(--tc-danger); font-weight: 600; }
  .tag { display: inline-flex; align-items: center; gap: 4px; }
  .dot { inline-size: 10px; block-size: 10px; border-radius: 50%; background: var(--tag-color, var(--tc-muted)); border: 1px solid rgb(0 0 0 / 0.2); }
  .actions { grid-column: 2; display: flex; flex-wrap: wrap; gap: 6px; }
  .actions select { min-block-size: 32px; padding: 2px 6px; }
  .actions .button { min-block-size: 32px; padding: 2px 10px; font-size: 14px; }
  .more { margin: 12px; }
  .alert { margin: 8px 12px; }
`;
