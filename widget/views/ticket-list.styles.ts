import { css } from 'lit';

export const ticketListStyles = css`
  :host { padding: 16px; }
  .top { display: flex; align-items: center; justify-content: space-between; gap: 8px; margin-block-end: 12px; }
  h3 { font-size: 16px; }
  .list { display: grid; gap: 8px; }
  .item {
    display: grid;
    gap: 4px;
    inline-size: 100%;
    text-align: start;
    padding: 10px 12px;
    border: 1px solid var(--tw-border);
    border-radius: calc(var(--tw-radius) / 1.5);
    background: var(--tw-bg);
  }
  .item:hover { background: var(--tw-surface); }
  .item.unread { border-inline-start: 4px solid var(--tw-accent); }
  .row { display: flex; align-items: center; justify-content: space-between; gap: 8px; }
  .title { font-weight: 600; overflow-wrap: anywhere; }
  .unread .title { font-weight: 800; }
  .preview {
    color: var(--tw-muted);
    font-size: 14px;
    overflow: hidden;
    text-overflow: ellipsis;
    white-space: nowrap;
  }
  .unread-label { display: inline-flex; align-items: center; gap: 4px; color: var(--tw-accent); font-size: 13px; font-weight: 700; }
  .dot { inline-size: 8px; block-size: 8px; border-radius: 50%; background: var(--tw-accent); }
  .status-resolved, .status-closed { color: var(--tw-muted); }
  .status-waiting_on_customer { border-color: var(--tw-accent); color: var(--tw-accent); }
  .empty { padding-block: 24px; text-align: center; }
  .alert { margin-block-end: 12px; }
  .more { margin-block-start: 12px; inline-size: 100%; }
`;
