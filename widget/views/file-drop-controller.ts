/**
 * Files dropped on, or pasted into, an element: hands them over and says while something is
 * being dragged over it (for a "drop here" overlay). Text pastes are left alone.
 */
import type { ReactiveController, ReactiveElement } from 'lit';

export class FileDropController implements ReactiveController {
  readonly #host: ReactiveElement;
  readonly #onFiles: (files: File[]) => void;
  #depth = 0;
  dragging = false;

  constructor(host: ReactiveElement, onFiles: (files: File[]) => void) {
    this.#host = host;
    this.#onFiles = onFiles;
    host.addController(this);
  }

  hostConnected(): void {
    for (const [type, listener] of this.#listeners) this.#host.addEventListener(type, listener as EventListener);
  }

  hostDisconnected(): void {
    for (const [type, listener] of this.#listeners) this.#host.removeEventListener(type, listener as EventListener);
  }

  #setDragging(dragging: boolean): void {
    if (this.dragging === dragging) return;
    this.dragging = dragging;
    this.#host.requestUpdate();
  }

  readonly #listeners: [string, (event: DragEvent & ClipboardEvent) => void][] = [
    ['dragenter', (event) => {
      if (!event.dataTransfer?.types.includes('Files')) return;
      event.preventDefault();
      this.#depth += 1;
      this.#setDragging(true);
    }],
    ['dragover', (event) => {
      if (!event.dataTransfer?.types.includes('Files')) return;
      event.preventDefault();
      event.dataTransfer.dropEffect = 'copy';
    }],
    ['dragleave', () => {
      this.#depth = Math.max(0, this.#depth - 1);
      if (this.#depth === 0) this.#setDragging(false);
    }],
    ['drop', (event) => {
      const files = [...(event.dataTransfer?.files ?? [])];
      this.#depth = 0;
      this.#setDragging(false);
      if (!files.length) return;
      event.preventDefault();
      this.#onFiles(files);
    }],
    ['paste', (event) => {
      const files = [...(event.clipboardData?.files ?? [])];
      if (!files.length) return;
      event.preventDefault();
      this.#onFiles(files);
    }],
  ];
}
