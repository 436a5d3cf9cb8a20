/**
 * File names are for display only (storage keys are random): sanitized so that they cannot
 * climb directories, hide their real extension behind bidirectional overrides, carry control
 * characters into a header or a terminal, or grow without bound; and given the extension of the
 * type their bytes showed, so that a download opens as what it is.
 */
import { extensionOf, isKnownAttachmentType, knownAttachmentTypes } from './types.ts';

export const maxNameLength = 180;

// C0 and C1 controls, DEL; bidirectional marks, embeddings, overrides and isolates; zero-width
// characters and the BOM; line and paragraph separators; the replacement character.
const invisible = /[\u0000-\u001f\u007f-\u009f\u061c\u115f\u1160\u180e\u200b-\u200f\u202a-\u202e\u2028\u2029\u2060-\u2069\u206a-\u206f\u3164\ufe00-\ufe0f\ufeff\ufff9-\ufffb\ufffd]/gu;
// Characters Windows refuses in names; path separators become underscores too.
const reserved = /[<>:"/\\|?*]/g;
const windowsDevice = /^(con|prn|aux|nul|com[0-9¹²³]|lpt[0-9¹²³])(\..*)?$/i;

/** A display name for an uploaded file whose bytes are of `type`. */
export function sanitizeFileName(raw: string | undefined, type: string): string {
  let name = (raw ?? '').normalize('NFC');
  // Only the last path segment is the file's name ("../../etc/passwd" is "passwd").
  name = name.split(/[/\\]/).filter((part) => part !== '').pop() ?? '';
  name = name.replace(invisible, '').replace(reserved, '_').replace(/\s+/g, ' ').trim();
  // No leading dots (hidden files, "..") and no trailing dots or spaces (Windows drops them).
  name = name.replace(/^[.\s]+/, '').replace(/[.\s]+$/, '');
  if (windowsDevice.test(name)) name = `_${name}`;

  const extensions: readonly string[] = isKnownAttachmentType(type) ? knownAttachmentTypes[type].extensions : [];
  const ext = extensionOf(name);
  let stem = name;
  let suffix = '';
  if (extensions.includes(ext)) {
    stem = name.slice(0, -(ext.length + 1));
    suffix = name.slice(-(ext.length + 1));
  } else if (extensions.length) {
    // "report.html" that is really text becomes "report.html.txt"; "photo" becomes "photo.png".
    suffix = `.${extensions[0]}`;
  }
  stem = truncate(stem.replace(/[.\s]+$/, ''), maxNameLength - suffix.length);
  return `${stem || 'file'}${suffix}`;
}

function truncate(text: string, max: number): string {
  const characters = [...text];
  return characters.length <= max ? text : characters.slice(0, max).join('').trimEnd();
}

/**
 * `Content-Disposition` with an ASCII fallback `filename` and the exact name as RFC 5987/6266
 * `filename*`.
 */
export function contentDisposition(disposition: 'inline' | 'attachment', name: string): string {
  let fallback = name.normalize('NFKD').replace(/[^\x20-\x7e]/g, '').replace(/["\\%;]/g, '_').trim();
  if (fallback === '' || fallback.startsWith('.')) fallback = `file${fallback}`;
  const encoded = encodeURIComponent(name).replace(/['()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
  return `${disposition}; filename="${fallback}"; filename*=UTF-8''${encoded}`;
}
