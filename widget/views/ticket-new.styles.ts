import { css } from 'lit';

/** Shared by the forms (new ticket, guest start). */
export const formStyles = css`
  :host { padding: 16px; position: relative; }
  form { display: grid; gap: 14px; }
  h3 { font-size: 16px; }
  .field { display: grid; gap: 2px; }
  .check { display: flex; align-items: center; gap: 8px; font-weight: 400; }
  .actions { display: flex; justify-content: flex-end; gap: 8px; }
  .issues { margin-block-start: 6px; padding-inline-start: 18px; list-style: disc; }
`;
