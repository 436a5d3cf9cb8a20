/**
 * A tag's colour on its swatch, as the `--tag-color` custom property. Set through the CSSOM on
 * purpose: a strict CSP without 'unsafe-inline' (`style-src-attr`) blocks every `style`
 * attribute — `style=${...}` and styleMap's first render included — but not `style.setProperty`.
 * The swatch's CSS reads it: `background: var(--tag-color)`.
 *
 * @example html`<span class="swatch" ${tagColor(tag.color)}></span>`
 */
import { ref } from 'lit/directives/ref.js';

/** What a colour the server did not vouch for (not `#rrggbb`) shows as. */
const unknownColor = '#6b7280';

export const tagColor = (color: string) =>
  ref((element) => (element as HTMLElement | undefined)?.style.setProperty('--tag-color', /^#[0-9a-f]{6}$/i.test(color) ? color : unknownColor));
