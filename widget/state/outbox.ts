/**
 * Replies on their way to the server. Each reply is written to storage with its own
 * Idempotency-Key before the first attempt, so a reply typed while offline or while the server
 * is down survives a reload, and is sent exactly once: the key makes a retry after a lost
 * answer a replay on the server, and a Web Lock keeps two tabs from sending the same reply at
 * the same time. Replies go out in order; one that the server refuses for good (a closed
 * ticket, say) waits for the customer to retry or discard it.
 *
 * Files cannot be kept in localStorage: a reply's attachments go to IndexedDB beside it, and a
 * reply whose files were lost anyway (no IndexedDB) says so instead of going out without them.
 *
 * @fires change - the queue or a reply's state changed
 * @fires sent - a reply reached the server (`detail: { reply, message }`)
 */
import { ApiFailure, type FailureCode } from '../api/api-failure.ts';
import type { MessageView } from '../api/types.ts';
import { replyFiles } from './file-store.ts';
import type { LocalStore } from './local-store.ts';

export interface QueuedReply {
  /** Also the Idempotency-Key, and the id the message gets on the server. */
  key: string;
  userId: string;
  ticketId: string;
  message: string;
  queuedAt: string;
  fileNames: string[];
  /** Set when the server refused it for good (or its files were lost): it waits for the customer. */
  failure?: { code: FailureCode | 'files_lost'; message: string };
}

export type ReplySender = (reply: QueuedReply, files: File[], onProgress: (loaded: number, total: number) => void) => Promise<MessageView>;

export type ReplyState = 'queued' | 'sending' | 'failed';

/** A random UUID v4 (crypto.randomUUID needs a secure context; getRandomValues does not). */
export function newKey(): string {
  const bytes = crypto.getRandomValues(new Uint8Array(16));
  bytes[6] = (bytes[6]! & 0x0f) | 0x40;
  bytes[8] = (bytes[8]! & 0x3f) | 0x80;
  const hex = [...bytes].map((b) => b.toString(16).padStart(2, '0')).join('');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

export class Outbox extends EventTarget {
  readonly #store: LocalStore;
  readonly #storageKey: string;
  readonly #userId: string;
  readonly #send: ReplySender;
  /** Attachments by reply key, also in IndexedDB until sent (#saving: writes still under way). */
  readonly #files = new Map<string, File[]>();
  readonly #saving = new Map<string, Promise<unknown>>();
  readonly #progress = new Map<string, { loaded: number; total: number }>();
  #sending: string | undefined;
  #flushing: Promise<void> | undefined;
  #flushAgain = false;
  #attempt = 0;
  #retryTimer: ReturnType<typeof setTimeout> | undefined;
  #stopped = false;

  constructor(options: { store: LocalStore; storageKey: string; userId: string; send: ReplySender }) {
    super();
    this.#store = options.store;
    this.#storageKey = options.storageKey;
    this.#userId = options.userId;
    this.#send = options.send;
    addEventListener('online', this.#onOnline);
    addEventListener('storage', this.#onStorage);
  }

  /** This customer's replies still on their way, oldest first. */
  get replies(): QueuedReply[] {
    return this.#all().filter((reply) => reply.userId === this.#userId);
  }

  forTicket(ticketId: string): QueuedReply[] {
    return this.replies.filter((reply) => reply.ticketId === ticketId);
  }

  stateOf(reply: QueuedReply): ReplyState {
    if (reply.failure) return 'failed';
    return this.#sending === reply.key ? 'sending' : 'queued';
  }

  filesOf(reply: QueuedReply): File[] {
    return this.#files.get(reply.key) ?? [];
  }

  progressOf(reply: QueuedReply): { loaded: number; total: number } | undefined {
    return this.#progress.get(reply.key);
  }

  /** Queues a reply (stored before anything is sent) and starts sending. */
  add(ticketId: string, message: string, files: File[] = []): QueuedReply {
    const reply: QueuedReply = { key: newKey(), userId: this.#userId, ticketId, message, queuedAt: new Date().toISOString(), fileNames: files.map((file) => file.name) };
    if (files.length) {
      this.#files.set(reply.key, files);
      this.#saving.set(reply.key, replyFiles.save(reply.key, files));
    }
    this.#write([...this.#all(), reply]);
    this.#changed();
    void this.flush();
    return reply;
  }

  retry(key: string): void {
    this.#update(key, (reply) => {
      delete reply.failure;
      // The customer chose to send it without the files that were lost.
      if (!this.#files.has(key)) reply.fileNames = [];
    });
    this.#attempt = 0;
    void this.flush();
  }

  discard(key: string): void {
    this.#forgetFiles(key);
    this.#write(this.#all().filter((reply) => reply.key !== key));
    this.#changed();
  }

  /** Sends what is queued, one reply at a time, until the queue is empty or the server is out of reach. */
  flush(): Promise<void> {
    if (this.#stopped) return Promise.resolve();
    if (this.#flushing) {
      this.#flushAgain = true;
      return this.#flushing;
    }
    clearTimeout(this.#retryTimer);
    this.#flushing = (async () => {
      do {
        this.#flushAgain = false;
        await this.#exclusively(() => this.#sendQueued());
      } while (this.#flushAgain && !this.#stopped);
    })().finally(() => (this.#flushing = undefined));
    return this.#flushing;
  }

  stop(): void {
    this.#stopped = true;
    clearTimeout(this.#retryTimer);
    removeEventListener('online', this.#onOnline);
    removeEventListener('storage', this.#onStorage);
  }

  async #exclusively(work: () => Promise<void>): Promise<void> {
    const locks = (navigator as Navigator & { locks?: LockManager }).locks;
    if (locks) await locks.request(this.#storageKey, work);
    else await work();
  }

  async #sendQueued(): Promise<void> {
    for (;;) {
      if (this.#stopped) return;
      // Read again each time: another tab may have sent (and removed) a reply meanwhile.
      const reply = this.replies.find((candidate) => !candidate.failure);
      if (!reply) return;
      // After a reload the files are in IndexedDB, not in memory.
      const files = this.#files.get(reply.key) ?? (reply.fileNames.length ? await replyFiles.load(reply.key) : undefined) ?? [];
      if (files.length) this.#files.set(reply.key, files);
      if (reply.fileNames.length && !files.length) {
        this.#update(reply.key, (r) => (r.failure = { code: 'files_lost', message: 'The attachments were lost when the page reloaded.' }));
        continue;
      }
      this.#sending = reply.key;
      this.#changed();
      try {
        const message = await this.#send(reply, files, (loaded, total) => {
          this.#progress.set(reply.key, { loaded, total });
          this.#changed();
        });
        this.#attempt = 0;
        this.#sending = undefined;
        this.#forgetFiles(reply.key);
        this.#progress.delete(reply.key);
        this.#write(this.#all().filter((r) => r.key !== reply.key));
        this.dispatchEvent(new CustomEvent('sent', { detail: { reply, message } }));
        this.#changed();
      } catch (error) {
        this.#sending = undefined;
        this.#progress.delete(reply.key);
        if (error instanceof ApiFailure && !error.transient) {
          this.#update(reply.key, (r) => (r.failure = { code: error.code, message: error.message }));
          continue;
        }
        // Out of reach, busy, or no token yet: keep it, in order, and try again later.
        this.#changed();
        this.#scheduleRetry(error instanceof ApiFailure ? error.retryAfterSeconds : undefined);
        return;
      }
    }
  }

  #forgetFiles(key: string): void {
    const hadFiles = this.#files.delete(key);
    const saving = this.#saving.get(key);
    this.#saving.delete(key);
    if (hadFiles || saving) void (saving ?? Promise.resolve()).then(() => replyFiles.remove(key));
  }

  #scheduleRetry(retryAfterSeconds?: number): void {
    const backoff = Math.min(30_000, 1000 * 2 ** this.#attempt) * (0.5 + Math.random() / 2);
    this.#attempt += 1;
    clearTimeout(this.#retryTimer);
    this.#retryTimer = setTimeout(() => void this.flush(), retryAfterSeconds ? retryAfterSeconds * 1000 : backoff);
  }

  readonly #onOnline = (): void => {
    this.#attempt = 0;
    void this.flush();
  };

  readonly #onStorage = (event: StorageEvent): void => {
    if (event.key === this.#storageKey) this.#changed();
  };

  #all(): QueuedReply[] {
    return this.#store.read<QueuedReply[]>(this.#storageKey, []);
  }

  #write(replies: QueuedReply[]): void {
    if (replies.length) this.#store.write(this.#storageKey, replies);
    else this.#store.remove(this.#storageKey);
  }

  #update(key: string, change: (reply: QueuedReply) => void): void {
    this.#write(this.#all().map((reply) => (reply.key === key ? (change(reply), reply) : reply)));
    this.#changed();
  }

  #changed(): void {
    this.dispatchEvent(new Event('change'));
  }
}
