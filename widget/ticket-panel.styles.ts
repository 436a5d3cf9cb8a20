import { css } from 'lit';

export const ticketPanelStyles = css`
  :host {
    display: block;
    block-size: 100%;
    border-radius: var(--tw-radius);
    overflow: hidden;
  }
  .frame {
    display: flex;
    flex-direction: column;
    block-size: 100%;
    background: var(--tw-bg);
    border: 1px solid var(--tw-border);
    border-radius: inherit;
  }
  header {
    display: flex;
    align-items: center;
    gap: 8px;
    padding-block: 10px;
    padding-inline: 16px 8px;
    background: var(--tw-accent);
    color: var(--tw-on-accent);
  }
  h2 { font-size: 17px; font-weight: 700; }
  .connection {
    display: flex;
    align-items: center;
    gap: 6px;
    font-size: 13px;
    margin-inline-start: auto;
    opacity: 0.95;
  }
  .dot {
    inline-size: 8px;
    block-size: 8px;
    border-radius: 50%;
    background: #f5b400;
    box-shadow: 0 0 0 2px rgb(255 255 255 / 0.6);
  }
  .live .dot { background: #3ddc84; }
  .offline .dot, .stopped .dot { background: #ff6b5e; }
  .close {
    border: none;
    background: none;
    color: inherit;
    inline-size: 40px;
    block-size: 40px;
    border-radius: 50%;
    display: grid;
    place-items: center;
    margin-inline-start: auto;
  }
  .connection + .close { margin-inline-start: 0; }
  .close:hover { background: rgb(255 255 255 / 0.15); }
  .close:focus-visible { outline-color: var(--tw-on-accent); }
  .close svg { inline-size: 22px; block-size: 22px; fill: currentColor; }
  .body {
    flex: 1;
    min-block-size: 0;
    overflow: auto;
    position: relative;
  }
  .body > .view { min-block-size: 100%; }
  .note { padding: 16px; }
  .note.alert { margin: 16px; }
`;
