/**
 * What a file is, from its bytes: magic numbers for images, PDF, ZIP (and the office formats
 * that are ZIPs), legacy office documents; UTF-8 without NULs for text. Markup (HTML, SVG, XML)
 * is recognised so that it can be refused, whatever it was declared as. Image dimensions come
 * from the headers, never from decoding pixels.
 */
import { isUtf8 } from 'node:buffer';
import { extensionOf, legacyOfficeTypes, ooxmlTypes } from './types.ts';

/** How much of a file's start is looked at to decide its type. */
export const sniffWindowBytes = 64 * 1024;

export interface Sniffed {
  /** A MIME type; one of the known attachment types, or what it is when it may not be one. */
  type: string;
  width?: number;
  height?: number;
}

export interface SniffHints {
  /** The declared type, normalized ('' when none). */
  declared: string;
  /** The file name as sent, for the extension. */
  name: string;
}

const startsWith = (head: Buffer, bytes: number[], offset = 0) => head.length >= offset + bytes.length && bytes.every((b, i) => head[offset + i] === b);
const ascii = (text: string) => [...text].map((c) => c.charCodeAt(0));

/**
 * The type of a file from its first bytes. `complete` is true when `head` is the whole file (so
 * an unfinished UTF-8 sequence at its end is an error, not a cut).
 */
export function sniff(head: Buffer, complete: boolean, hints: SniffHints): Sniffed {
  if (startsWith(head, [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a])) return { type: 'image/png', ...pngSize(head) };
  if (startsWith(head, [0xff, 0xd8, 0xff])) return { type: 'image/jpeg' };
  if (startsWith(head, ascii('GIF87a')) || startsWith(head, ascii('GIF89a'))) return { type: 'image/gif', ...gifSize(head) };
  if (startsWith(head, ascii('RIFF')) && startsWith(head, ascii('WEBP'), 8)) return { type: 'image/webp', ...webpSize(head) };
  if (startsWith(head, ascii('%PDF-'))) return { type: 'application/pdf' };
  if (startsWith(head, [0x50, 0x4b, 0x03, 0x04]) || startsWith(head, [0x50, 0x4b, 0x05, 0x06])) return { type: zipFamilyType(head, hints) };
  if (startsWith(head, [0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1])) return { type: legacyOfficeType(hints) };
  if (head.length > 0 && isText(head, complete)) {
    const markup = markupType(head);
    if (markup) return { type: markup };
    const csv = hints.declared === 'text/csv' || hints.declared === 'application/vnd.ms-excel' || extensionOf(hints.name) === 'csv';
    return { type: csv ? 'text/csv' : 'text/plain' };
  }
  return { type: 'application/octet-stream' };
}

/** UTF-8 (an unfinished sequence at the end is allowed when the file goes on) and no NUL. */
function isText(head: Buffer, complete: boolean): boolean {
  const end = complete ? head.length : completeUtf8Length(head);
  return !head.subarray(0, end).includes(0) && isUtf8(head.subarray(0, end));
}

/** How many bytes of `chunk` end on a whole UTF-8 character (the rest may continue in the next chunk). */
export function completeUtf8Length(chunk: Buffer): number {
  for (let i = chunk.length - 1, seen = 0; i >= 0 && seen < 4; i--, seen++) {
    const byte = chunk[i]!;
    if ((byte & 0xc0) === 0x80) continue;
    const length = byte < 0x80 ? 1 : (byte & 0xe0) === 0xc0 ? 2 : (byte & 0xf0) === 0xe0 ? 3 : (byte & 0xf8) === 0xf0 ? 4 : 1;
    return chunk.length - i >= length ? chunk.length : i;
  }
  return chunk.length;
}

/**
 * Text that a browser would take for markup (the WHATWG sniffing patterns, after an optional
 * BOM and white space): HTML, SVG, or other XML.
 */
function markupType(head: Buffer): string | undefined {
  const start = head.subarray(0, 1024).toString('utf8').replace(/^\uFEFF/, '').trimStart().toLowerCase();
  if (start.startsWith('<?xml')) return /<svg[\s>/]|<!doctype\s+svg/.test(head.toString('utf8').toLowerCase()) ? 'image/svg+xml' : 'application/xml';
  if (/^<svg[\s>/]/.test(start) || /^<!doctype\s+svg/.test(start)) return 'image/svg+xml';
  if (start.startsWith('<!--') || /^<(!doctype\s+html|html|head|body|script|iframe|h1|div|font|table|a|style|title|b|br|p)[\s>/]/.test(start)) return 'text/html';
  return undefined;
}

function zipFamilyType(head: Buffer, hints: SniffHints): string {
  const entries = zipEntryNames(head);
  // OpenDocument: a first entry `mimetype`, stored, holding the type.
  if (entries[0]?.name === 'mimetype' && entries[0].stored !== undefined) {
    const declared = entries[0].stored;
    if (declared === 'application/vnd.oasis.opendocument.text' || declared === 'application/vnd.oasis.opendocument.spreadsheet' || declared === 'application/vnd.oasis.opendocument.presentation') return declared;
    return 'application/zip';
  }
  if (entries.some((entry) => entry.name === '[Content_Types].xml')) {
    for (const entry of entries) {
      if (entry.name.startsWith('word/')) return ooxmlTypes.docx;
      if (entry.name.startsWith('xl/')) return ooxmlTypes.xlsx;
      if (entry.name.startsWith('ppt/')) return ooxmlTypes.pptx;
    }
    const fromHint = Object.values(ooxmlTypes).find((type) => type === hints.declared) ?? ooxmlTypes[extensionOf(hints.name) as keyof typeof ooxmlTypes];
    if (fromHint) return fromHint;
  }
  return 'application/zip';
}

/** Names of the ZIP local file headers found in `head` (and a stored first entry's content). */
function zipEntryNames(head: Buffer): { name: string; stored?: string }[] {
  const entries: { name: string; stored?: string }[] = [];
  let at = head.indexOf('PK\x03\x04', 0, 'latin1');
  while (at !== -1 && at + 30 <= head.length && entries.length < 256) {
    const nameLength = head.readUInt16LE(at + 26);
    const extraLength = head.readUInt16LE(at + 28);
    if (at + 30 + nameLength <= head.length && nameLength > 0 && nameLength < 1024) {
      const name = head.subarray(at + 30, at + 30 + nameLength).toString('utf8');
      const entry: { name: string; stored?: string } = { name };
      if (entries.length === 0 && name === 'mimetype' && head.readUInt16LE(at + 8) === 0) {
        const size = head.readUInt32LE(at + 18);
        const dataAt = at + 30 + nameLength + extraLength;
        if (size > 0 && size < 200 && dataAt + size <= head.length) entry.stored = head.subarray(dataAt, dataAt + size).toString('latin1');
      }
      entries.push(entry);
    }
    at = head.indexOf('PK\x03\x04', at + 4, 'latin1');
  }
  return entries;
}

function legacyOfficeType(hints: SniffHints): string {
  const fromDeclared = Object.values(legacyOfficeTypes).find((type) => type === hints.declared);
  return fromDeclared ?? legacyOfficeTypes[extensionOf(hints.name) as keyof typeof legacyOfficeTypes] ?? 'application/x-ole-storage';
}

function dimensions(width: number, height: number): { width?: number; height?: number } {
  return width > 0 && height > 0 && width < 2 ** 31 && height < 2 ** 31 ? { width, height } : {};
}

function pngSize(head: Buffer) {
  if (head.length < 24 || head.toString('latin1', 12, 16) !== 'IHDR') return {};
  return dimensions(head.readUInt32BE(16), head.readUInt32BE(20));
}

function gifSize(head: Buffer) {
  return head.length < 10 ? {} : dimensions(head.readUInt16LE(6), head.readUInt16LE(8));
}

function webpSize(head: Buffer) {
  if (head.length < 30) return {};
  const chunk = head.toString('latin1', 12, 16);
  if (chunk === 'VP8 ' && head[23] === 0x9d && head[24] === 0x01 && head[25] === 0x2a) return dimensions(head.readUInt16LE(26) & 0x3fff, head.readUInt16LE(28) & 0x3fff);
  if (chunk === 'VP8L' && head[20] === 0x2f) {
    const bits = head.readUInt32LE(21);
    return dimensions((bits & 0x3fff) + 1, ((bits >>> 14) & 0x3fff) + 1);
  }
  if (chunk === 'VP8X') return dimensions(head.readUIntLE(24, 3) + 1, head.readUIntLE(27, 3) + 1);
  return {};
}

/**
 * A JPEG's dimensions, read as the bytes stream past: walks the marker segments (skipping
 * EXIF and the like without keeping them) to the first start-of-frame. Gives up after 1 MiB.
 */
export class JpegSizeProbe {
  width: number | undefined;
  height: number | undefined;
  private done = false;
  private offset = 0;
  private skip = 2; // SOI
  private carry = Buffer.alloc(0);

  push(chunk: Buffer): void {
    if (this.done) return;
    this.offset += chunk.length;
    if (this.offset > 1024 * 1024) {
      this.done = true;
      return;
    }
    let data = this.carry.length ? Buffer.concat([this.carry, chunk]) : chunk;
    for (;;) {
      if (this.skip > 0) {
        const skipped = Math.min(this.skip, data.length);
        this.skip -= skipped;
        data = data.subarray(skipped);
        if (this.skip > 0) break;
      }
      if (data.length < 2) break;
      if (data[0] !== 0xff) {
        this.done = true;
        return;
      }
      const marker = data[1]!;
      if (marker === 0xff) {
        this.skip = 1; // fill byte
        continue;
      }
      if (marker === 0xd8 || marker === 0x01 || (marker >= 0xd0 && marker <= 0xd7)) {
        this.skip = 2;
        continue;
      }
      if (marker === 0xd9 || marker === 0xda) {
        this.done = true; // end of image or start of scan: no frame header before it
        return;
      }
      const isFrame = marker >= 0xc0 && marker <= 0xcf && marker !== 0xc4 && marker !== 0xc8 && marker !== 0xcc;
      if (isFrame) {
        if (data.length < 9) break;
        const size = dimensions(data.readUInt16BE(7), data.readUInt16BE(5));
        this.width = size.width;
        this.height = size.height;
        this.done = true;
        return;
      }
      if (data.length < 4) break;
      this.skip = 2 + data.readUInt16BE(2);
    }
    this.carry = Buffer.from(data);
  }
}
