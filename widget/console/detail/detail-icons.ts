/** Small inline icons (SVG, not emoji: they draw the same on every system, and follow the text colour). */
import { svg } from 'lit';

const icon = (path: ReturnType<typeof svg>) =>
  svg`<svg class="icon" aria-hidden="true" focusable="false" width="14" height="14" viewBox="0 0 16 16" fill="none" stroke="currentColor" stroke-width="1.6" stroke-linecap="round" stroke-linejoin="round">${path}</svg>`;

/** Internal notes. */
export const lockIcon = icon(svg`<rect x="3" y="7" width="10" height="7" rx="1.5"/><path d="M5.5 7V5a2.5 2.5 0 0 1 5 0v2"/>`);
/** Attachments. */
export const clipIcon = icon(svg`<path d="M13 7.5 8 12.5a3 3 0 0 1-4.2-4.2l5.3-5.3a2 2 0 0 1 2.8 2.8L6.6 11a1 1 0 0 1-1.4-1.4L10 4.8"/>`);
