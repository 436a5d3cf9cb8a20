import { css } from 'lit';

/** Shared by the forms (new ticket, guest start). */
export const formStyles = css`
  :host { padding: 16px; position: relative; }
  form { display: grid; gap: 14px; }
  h3 { font-size: 16px; }
  .field { display: grid; gap: 2px; }
  .check { display: flex; align-items: center; gap: 8px; font-weight: 400; }
  .actions { display: flex; justify-content: flex-end; gap: 8px; }
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
    z-index: 1;
  }
  .issues { margin-block-start: 6px; padding-inline-start: 18px; list-style: disc; }
`;
