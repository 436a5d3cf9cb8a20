/**
 * The file types attachments may have: every type here can be recognised from its bytes
 * (server/attachments/sniff.ts). Markup (HTML, SVG, XML) and scripts are never among them:
 * they are refused whatever they are declared as.
 */

export const knownAttachmentTypes = {
  'image/png': { extensions: ['png'], inline: true },
  'image/jpeg': { extensions: ['jpg', 'jpeg', 'jpe', 'jfif'], inline: true },
  'image/gif': { extensions: ['gif'], inline: true },
  'image/webp': { extensions: ['webp'], inline: true },
  'application/pdf': { extensions: ['pdf'], inline: false },
  'text/plain': { extensions: ['txt', 'log', 'text', 'md'], inline: false },
  'text/csv': { extensions: ['csv'], inline: false },
  'application/zip': { extensions: ['zip'], inline: false },
  'application/vnd.openxmlformats-officedocument.wordprocessingml.document': { extensions: ['docx'], inline: false },
  'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet': { extensions: ['xlsx'], inline: false },
  'application/vnd.openxmlformats-officedocument.presentationml.presentation': { extensions: ['pptx'], inline: false },
  'application/msword': { extensions: ['doc'], inline: false },
  'application/vnd.ms-excel': { extensions: ['xls'], inline: false },
  'application/vnd.ms-powerpoint': { extensions: ['ppt'], inline: false },
  'application/vnd.oasis.opendocument.text': { extensions: ['odt'], inline: false },
  'application/vnd.oasis.opendocument.spreadsheet': { extensions: ['ods'], inline: false },
  'application/vnd.oasis.opendocument.presentation': { extensions: ['odp'], inline: false },
} as const satisfies Record<string, { extensions: readonly string[]; inline: boolean }>;

export type AttachmentType = keyof typeof knownAttachmentTypes;
export const attachmentTypeNames = Object.keys(knownAttachmentTypes) as AttachmentType[];

/** The default allow-list (ATTACHMENT_TYPES overrides it): every known type. */
export const defaultAttachmentTypes: readonly AttachmentType[] = attachmentTypeNames;

export function isKnownAttachmentType(type: string): type is AttachmentType {
  return Object.hasOwn(knownAttachmentTypes, type);
}

/** Safe raster images, the only files served inline; everything else is a download. */
export function servedInline(type: string): boolean {
  return isKnownAttachmentType(type) && knownAttachmentTypes[type].inline;
}

/** The Content-Type a stored file is served with. */
export function servedContentType(type: string): string {
  return type.startsWith('text/') ? `${type}; charset=utf-8` : type;
}

export const ooxmlTypes = {
  docx: 'application/vnd.openxmlformats-officedocument.wordprocessingml.document',
  xlsx: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
  pptx: 'application/vnd.openxmlformats-officedocument.presentationml.presentation',
} as const;

export const legacyOfficeTypes = { doc: 'application/msword', xls: 'application/vnd.ms-excel', ppt: 'application/vnd.ms-powerpoint' } as const;

/** What browsers and tools call the same type by another name. */
const aliases: Record<string, string> = {
  'image/jpg': 'image/jpeg',
  'image/pjpeg': 'image/jpeg',
  'image/x-png': 'image/png',
  'application/x-pdf': 'application/pdf',
  'application/x-zip-compressed': 'application/zip',
  'application/x-zip': 'application/zip',
  'multipart/x-zip': 'application/zip',
  'text/x-csv': 'text/csv',
  'application/csv': 'text/csv',
  'text/comma-separated-values': 'text/csv',
};

/** A declared Content-Type, lower-cased, without parameters, aliases resolved; '' when it says nothing. */
export function normalizeDeclaredType(declared: string | undefined): string {
  const essence = (declared ?? '').split(';')[0]!.trim().toLowerCase();
  if (essence === '' || essence === 'application/octet-stream' || essence === 'binary/octet-stream' || essence === 'application/unknown') return '';
  return aliases[essence] ?? essence;
}

/** Declared text types that can never describe an attachment, whatever the bytes. */
const markupTextTypes = new Set(['text/html', 'text/xml', 'text/javascript', 'text/ecmascript', 'text/css', 'text/xsl', 'text/x-javascript', 'text/vbscript']);

/**
 * Whether a declared type (normalized) agrees with the type the bytes show. No declaration, or
 * the generic octet-stream, agrees with anything; otherwise it must name the same type or one
 * of its everyday spellings (a CSV declared as Excel, as Windows does; a .docx declared as zip).
 */
export function declaredTypeAgrees(declared: string, sniffed: AttachmentType): boolean {
  if (declared === '' || declared === sniffed) return true;
  if (sniffed === 'text/plain' || sniffed === 'text/csv') {
    return (declared.startsWith('text/') && !markupTextTypes.has(declared)) || declared === 'application/vnd.ms-excel';
  }
  const zipFamily = sniffed === 'application/zip' || Object.values(ooxmlTypes).includes(sniffed as never) || sniffed.startsWith('application/vnd.oasis.opendocument.');
  return zipFamily && declared === 'application/zip';
}

/** The lower-cased extension of a file name, without the dot ('' when it has none). */
export function extensionOf(name: string): string {
  const dot = name.lastIndexOf('.');
  return dot > 0 && dot < name.length - 1 ? name.slice(dot + 1).toLowerCase() : '';
}
