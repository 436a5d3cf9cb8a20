/**
 * The first script's styles: design tokens, the launcher and where the panel sits. Adopted as a
 * constructed stylesheet (no <style>, so a CSP without 'unsafe-inline' is fine). `all: initial`
 * on every region keeps the page's inherited text styles out.
 */
export const ticketWidgetStyles = `
:host {
  --tw-accent: var(--ticket-accent, #2554c7);
  --tw-on-accent: var(--ticket-on-accent, #fff);
  --tw-bg: var(--ticket-background, #fff);
  --tw-surface: var(--ticket-surface, #f4f5f7);
  --tw-text: var(--ticket-text, #1d2330);
  --tw-muted: var(--ticket-muted, #5b6475);
  --tw-border: var(--ticket-border, #cfd4dc);
  --tw-danger: var(--ticket-danger, #b42318);
  --tw-success: var(--ticket-success, #1a7f37);
  --tw-radius: var(--ticket-radius, 12px);
  --tw-font: var(--ticket-font, system-ui, -apple-system, "Segoe UI", Roboto, sans-serif);
  --tw-shadow: var(--ticket-shadow, 0 12px 40px rgb(0 0 0 / 0.22));
  --tw-z: var(--ticket-z-index, 2147483000);
  --tw-offset: var(--ticket-offset, 20px);
  all: initial;
  display: contents;
}
:host([hidden]) { display: none; }
:host([mode="inline"]) { display: block; }
.launcher {
  all: initial;
  position: fixed;
  inset-block-end: var(--tw-offset);
  inset-inline-end: var(--tw-offset);
  z-index: var(--tw-z);
  box-sizing: border-box;
  inline-size: 56px;
  block-size: 56px;
  border-radius: 50%;
  background: var(--tw-accent);
  color: var(--tw-on-accent);
  box-shadow: var(--tw-shadow);
  cursor: pointer;
  display: grid;
  place-items: center;
  transition: transform 0.15s ease;
}
.launcher:hover { transform: scale(1.06); }
.launcher:focus-visible { outline: 3px solid var(--tw-accent); outline-offset: 3px; }
.launcher svg { inline-size: 28px; block-size: 28px; fill: currentColor; }
.badge {
  all: initial;
  position: absolute;
  inset-block-start: -4px;
  inset-inline-end: -4px;
  min-inline-size: 22px;
  block-size: 22px;
  padding: 0 6px;
  box-sizing: border-box;
  border-radius: 11px;
  background: var(--tw-danger);
  color: #fff;
  font: 700 13px/22px var(--tw-font);
  text-align: center;
}
.badge[hidden] { display: none; }
.panel {
  position: fixed;
  inset-block-end: calc(var(--tw-offset) + 68px);
  inset-inline-end: var(--tw-offset);
  z-index: var(--tw-z);
  inline-size: var(--ticket-panel-width, 380px);
  block-size: min(var(--ticket-panel-height, 620px), calc(100dvh - var(--tw-offset) * 2 - 68px));
  max-inline-size: calc(100vw - var(--tw-offset) * 2);
  box-shadow: var(--tw-shadow);
}
.panel[hidden] { display: none; }
.inline.panel {
  position: relative;
  inset: auto;
  z-index: auto;
  inline-size: 100%;
  max-inline-size: none;
  block-size: var(--ticket-inline-height, 560px);
  box-shadow: none;
}
@media (max-width: 480px) {
  .panel:not(.inline) {
    inset: 0;
    inline-size: 100%;
    max-inline-size: none;
    block-size: 100%;
    border-radius: 0;
  }
}
@media (prefers-reduced-motion: reduce) {
  .launcher { transition: none; }
  .launcher:hover { transform: none; }
}
`;
