/**
 * An attachment's bytes for the element that shows it, in the widget and in the console. Files
 * need the user's token, so they cannot be plain links: the bytes are fetched into a blob: URL
 * (allowed under Trusted Types), at once for images that can be previewed, on demand for a
 * download, and freed when the element leaves the page.
 */
import type { ReactiveController, ReactiveControllerHost } from 'lit';
import type { AttachmentView } from '../api/types.ts';

const previewable = /^image\/(png|jpeg|gif|webp)$/;

/** Safe raster images, shown inline as a thumbnail; everything else is a download. */
export const isPreviewable = (attachment: AttachmentView) => previewable.test(attachment.type);

export interface AttachmentSource {
  readonly attachment: AttachmentView;
  load(id: string, signal: AbortSignal): Promise<Blob>;
}

export class AttachmentBlob implements ReactiveController {
  /** The blob: URL of the bytes, once fetched. */
  url: string | undefined;
  /** The last fetch failed (not aborted). */
  failed = false;
  readonly #host: ReactiveControllerHost & { readonly renderRoot: HTMLElement | DocumentFragment };
  readonly #source: () => AttachmentSource;
  #abort: AbortController | undefined;

  constructor(host: ReactiveControllerHost & { readonly renderRoot: HTMLElement | DocumentFragment }, source: () => AttachmentSource) {
    this.#host = host;
    this.#source = source;
    host.addController(this);
  }

  hostConnected(): void {
    if (isPreviewable(this.#source().attachment) && !this.url) void this.fetch();
  }

  hostDisconnected(): void {
    this.#abort?.abort();
    if (this.url) URL.revokeObjectURL(this.url);
    this.url = undefined;
  }

  async fetch(): Promise<string | undefined> {
    const abort = (this.#abort = new AbortController());
    const { attachment, load } = this.#source();
    try {
      this.url = URL.createObjectURL(await load(attachment.id, abort.signal));
      this.failed = false;
    } catch {
      this.failed = !abort.signal.aborted;
    }
    this.#host.requestUpdate();
    return this.url;
  }

  /** Saves the file under its (sanitized) name. */
  async download(): Promise<void> {
    const url = this.url ?? (await this.fetch());
    if (!url) return;
    const link = Object.assign(document.createElement('a'), { href: url, download: this.#source().attachment.name, rel: 'noopener' });
    this.#host.renderRoot.appendChild(link);
    link.click();
    link.remove();
  }
}
