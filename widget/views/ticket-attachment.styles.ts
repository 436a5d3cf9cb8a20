import { css } from 'lit';

export const ticketAttachmentStyles = css`
  :host { display: inline-block; max-inline-size: 100%; font-size: 14px; }
  .image { display: block; line-height: 0; border-radius: calc(var(--tw-radius) / 2); overflow: hidden; border: 1px solid var(--tw-border); }
  img { max-inline-size: 220px; max-block-size: 160px; inline-size: auto; block-size: auto; object-fit: cover; }
  .file {
    display: inline-flex;
    align-items: center;
    gap: 6px;
    max-inline-size: 100%;
    padding: 4px 10px;
    border: 1px solid var(--tw-border);
    border-radius: 999px;
    background: var(--tw-bg);
    color: var(--tw-text);
  }
  .name { overflow: hidden; text-overflow: ellipsis; white-space: nowrap; max-inline-size: 180px; }
`;
