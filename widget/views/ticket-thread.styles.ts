import { css } from 'lit';

export const ticketThreadStyles = css`
  :host { display: flex; flex-direction: column; position: relative; }
  .top { padding: 8px 16px 12px; border-block-end: 1px solid var(--tw-border); display: grid; gap: 6px; }
  .back { justify-self: start; padding-inline: 0; font-size: 14px; }
  .heading { display: flex; align-items: center; justify-content: space-between; gap: 8px; }
  h3 { font-size: 16px; overflow-wrap: anywhere; }
  .banner {
    padding: 8px 12px;
    border-radius: calc(var(--tw-radius) / 1.5);
    background: var(--tw-surface);
    border-inline-start: 4px solid var(--tw-accent);
    font-size: 14px;
  }
  .alert, [role='status'] { margin: 12px 16px 0; }
  .messages { flex: 1; display: grid; align-content: start; gap: 10px; padding: 12px 16px; }
  .message {
    max-inline-size: 85%;
    padding: 8px 12px;
    border-radius: var(--tw-radius);
    background: var(--tw-surface);
    display: grid;
    gap: 4px;
  }
  .customer {
    justify-self: end;
    background: var(--tw-accent);
    color: var(--tw-on-accent);
    border-end-end-radius: 4px;
  }
  .team { justify-self: start; border-end-start-radius: 4px; border: 1px solid var(--tw-border); }
  .meta { display: flex; gap: 8px; font-size: 12px; opacity: 0.9; }
  .sender { font-weight: 700; }
  .text { white-space: pre-wrap; overflow-wrap: anywhere; }
  .attachments { display: flex; flex-wrap: wrap; gap: 6px; }
  .pending { background: var(--tw-bg); color: var(--tw-text); border: 1px dashed var(--tw-accent); }
  .pending.failed { border: 1px solid var(--tw-danger); }
  .state { font-style: italic; }
  .pending-files { font-size: 13px; display: grid; gap: 2px; }
  .pending-files progress { inline-size: 64px; vertical-align: middle; }
  .actions { display: flex; gap: 6px; }
  .composer {
    position: sticky;
    inset-block-end: 0;
    display: grid;
    gap: 8px;
    padding: 10px 16px 14px;
    background: var(--tw-bg);
    border-block-start: 1px solid var(--tw-border);
  }
  .composer textarea { min-block-size: 64px; }
  .composer-actions { display: flex; align-items: flex-start; gap: 8px; flex-wrap: wrap; }
  .composer-actions ticket-files { flex: 1; min-inline-size: 0; }
  .hint { align-self: center; }
`;
