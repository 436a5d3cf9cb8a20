/**
 * localStorage that stays untouched until the customer has interacted with the widget: before
 * that, writes are kept in memory and written out the moment `allowed()` turns true (flush()).
 * A customer who interacted on an earlier visit left keys under `prefix`; those keys may be kept
 * up to date (a reply sent after a reload must leave the stored outbox) from the start.
 * Storage that is missing, full or refused (sandboxed frames, some private modes) is memory only.
 */
export class LocalStore {
  readonly #allowed: () => boolean;
  readonly #usedBefore: boolean;
  readonly #pending = new Map<string, string | null>();

  constructor(allowed: () => boolean, prefix: string) {
    this.#allowed = allowed;
    let usedBefore = false;
    try {
      for (let i = 0; i < localStorage.length && !usedBefore; i += 1) usedBefore = localStorage.key(i)?.startsWith(prefix) ?? false;
    } catch {
      // No storage: memory only.
    }
    this.#usedBefore = usedBefore;
  }

  read<T>(key: string, fallback: T): T {
    const raw = this.#pending.has(key) ? this.#pending.get(key) : this.#get(key);
    if (raw === null || raw === undefined) return fallback;
    try {
      return JSON.parse(raw) as T;
    } catch {
      return fallback;
    }
  }

  write(key: string, value: unknown): void {
    this.#pending.set(key, value === undefined ? null : JSON.stringify(value));
    this.flush();
  }

  remove(key: string): void {
    this.#pending.set(key, null);
    this.flush();
  }

  /** Writes what was held back, if the customer has interacted by now. */
  flush(): void {
    if (!this.#usedBefore && !this.#allowed()) return;
    for (const [key, value] of this.#pending) {
      try {
        if (value === null) localStorage.removeItem(key);
        else localStorage.setItem(key, value);
        this.#pending.delete(key);
      } catch {
        // Full or refused: it stays in memory for this page.
      }
    }
  }

  #get(key: string): string | null {
    try {
      return localStorage.getItem(key);
    } catch {
      return null;
    }
  }
}
