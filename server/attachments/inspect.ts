/**
 * The stage every uploaded file streams through on its way to storage: it counts (and cuts off
 * past the per-file limit), hashes (SHA-256), decides the type from the first bytes and checks it
 * against the allow-list and the declared type, keeps validating text as UTF-8 to the end, and
 * reads image dimensions. It holds at most the sniffing window, never the file.
 */
import { createHash } from 'node:crypto';
import { isUtf8 } from 'node:buffer';
import { Transform, type TransformCallback } from 'node:stream';
import { ApiError } from '../errors.ts';
import { completeUtf8Length, JpegSizeProbe, sniff, sniffWindowBytes } from './sniff.ts';
import { declaredTypeAgrees, isKnownAttachmentType, normalizeDeclaredType, type AttachmentType } from './types.ts';

export interface InspectOptions {
  /** Position of the file in the request, for error messages (`files[2]`). */
  index: number;
  maxBytes: number;
  allowedTypes: readonly AttachmentType[];
  /** The part's Content-Type as sent. */
  declaredType: string | undefined;
  /** The file name as sent (for the extension hint only). */
  name: string;
}

export interface Inspection {
  type: AttachmentType;
  size: number;
  sha256: string;
  width?: number;
  height?: number;
}

const typeNames: Record<string, string> = {
  'text/html': 'HTML',
  'image/svg+xml': 'SVG',
  'application/xml': 'XML',
  'application/octet-stream': 'an unrecognised binary format',
};

/** 413 for one file over the per-file limit; the connection is closed, as the rest is never read. */
export function fileTooLarge(index: number, maxBytes: number): ApiError {
  return new ApiError('payload_too_large', `files[${index}] is larger than the limit of ${maxBytes} bytes.`, {
    issues: [{ path: `files[${index}]`, message: `larger than ${maxBytes} bytes` }],
    headers: { Connection: 'close' },
  });
}

export class UploadInspector extends Transform {
  private readonly options: InspectOptions;
  private readonly hash = createHash('sha256');
  private size = 0;
  private head: Buffer[] = [];
  private headLength = 0;
  private type: AttachmentType | undefined;
  private width: number | undefined;
  private height: number | undefined;
  private textCarry: Buffer | undefined;
  private jpeg: JpegSizeProbe | undefined;
  private digest: string | undefined;

  constructor(options: InspectOptions) {
    super();
    this.options = options;
  }

  /** What the file turned out to be; only after the stream has finished without error. */
  result(): Inspection {
    if (!this.type || this.digest === undefined) throw new Error('the upload has not been inspected to its end');
    return {
      type: this.type,
      size: this.size,
      sha256: this.digest,
      ...(this.width && this.height ? { width: this.width, height: this.height } : {}),
    };
  }

  override _transform(chunk: Buffer, _encoding: BufferEncoding, callback: TransformCallback): void {
    this.size += chunk.length;
    if (this.size > this.options.maxBytes) {
      callback(fileTooLarge(this.options.index, this.options.maxBytes));
      return;
    }
    this.hash.update(chunk);
    try {
      if (this.type === undefined) {
        this.head.push(chunk);
        this.headLength += chunk.length;
        if (this.headLength >= sniffWindowBytes) this.decide(false);
      } else {
        this.follow(chunk);
      }
    } catch (error) {
      callback(error as Error);
      return;
    }
    callback(null, chunk);
  }

  override _flush(callback: TransformCallback): void {
    try {
      if (this.size === 0) {
        throw new ApiError('validation_failed', `files[${this.options.index}] is empty.`, { issues: [{ path: `files[${this.options.index}]`, message: 'empty file' }] });
      }
      if (this.type === undefined) this.decide(true);
      if (this.textCarry && this.textCarry.length > 0) this.refuse('text that is not valid UTF-8');
      this.digest = this.hash.digest('hex');
      if (this.jpeg) {
        this.width = this.jpeg.width;
        this.height = this.jpeg.height;
      }
      callback();
    } catch (error) {
      callback(error as Error);
    }
  }

  private decide(complete: boolean): void {
    const head = Buffer.concat(this.head, this.headLength);
    this.head = [];
    const declared = normalizeDeclaredType(this.options.declaredType);
    const sniffed = sniff(head, complete, { declared, name: this.options.name });
    if (!isKnownAttachmentType(sniffed.type) || !this.options.allowedTypes.includes(sniffed.type)) {
      this.refuse(typeNames[sniffed.type] ?? sniffed.type);
    }
    const type = sniffed.type as AttachmentType;
    if (!declaredTypeAgrees(declared, type)) {
      throw new ApiError('unsupported_media_type', `files[${this.options.index}] is declared as ${declared} but its content is ${type}.`, {
        issues: [{ path: `files[${this.options.index}]`, message: `declared ${declared}, content is ${type}` }],
      });
    }
    this.type = type;
    this.width = sniffed.width;
    this.height = sniffed.height;
    if (type === 'text/plain' || type === 'text/csv') this.textCarry = Buffer.alloc(0);
    if (type === 'image/jpeg') this.jpeg = new JpegSizeProbe();
    this.follow(head);
  }

  /** Checks that go on past the sniffing window: text stays UTF-8 without NUL; JPEG dimensions. */
  private follow(chunk: Buffer): void {
    if (this.textCarry) {
      const data = this.textCarry.length ? Buffer.concat([this.textCarry, chunk]) : chunk;
      const whole = completeUtf8Length(data);
      const complete = data.subarray(0, whole);
      if (complete.includes(0) || !isUtf8(complete)) this.refuse('text that is not valid UTF-8 (or contains NUL)');
      this.textCarry = Buffer.from(data.subarray(whole));
      if (this.textCarry.length > 3) this.refuse('text that is not valid UTF-8');
    }
    this.jpeg?.push(chunk);
  }

  private refuse(what: string): never {
    const allowed = this.options.allowedTypes.join(', ');
    throw new ApiError('unsupported_media_type', `files[${this.options.index}] is ${what}, which is not accepted. Accepted: ${allowed}.`, {
      issues: [{ path: `files[${this.options.index}]`, message: `${what} is not accepted` }],
    });
  }
}
