import { css } from 'lit';

export const ticketFilesStyles = css`
  .attach { display: inline-flex; align-items: center; gap: 6px; }
  .attach svg { inline-size: 18px; block-size: 18px; fill: currentColor; }
  .files { display: grid; gap: 6px; margin-block-start: 8px; }
  .file {
    display: flex;
    align-items: center;
    gap: 8px;
    padding: 4px 8px;
    border: 1px solid var(--tw-border);
    border-radius: calc(var(--tw-radius) / 2);
    background: var(--tw-surface);
  }
  .file img, .icon { inline-size: 32px; block-size: 32px; object-fit: cover; border-radius: 4px; flex: none; text-align: center; line-height: 32px; }
  .name { flex: 1; min-inline-size: 0; overflow-wrap: anywhere; font-size: 14px; }
  progress { inline-size: 72px; flex: none; accent-color: var(--tw-accent); }
  .remove {
    border: none;
    background: none;
    font-size: 20px;
    line-height: 1;
    inline-size: 32px;
    block-size: 32px;
    border-radius: 50%;
    flex: none;
  }
  .remove:hover { background: var(--tw-border); }
`;
