/**
 * One customer's view of the server, for one <ticket-widget>: their tickets, the threads they
 * opened, what is unread, the live connection and the outbox. Views read it and listen for
 * `change`; a new identity (sign-in, sign-out, another customer) means a new session.
 *
 * Live events and fetched pages are merged by id, so an event that races a fetch is neither
 * lost nor shown twice.
 */
import { ApiFailure } from '../api/api-failure.ts';
import { createWidgetApi, type NewTicket, type UploadProgress, type WidgetApi } from '../api/client.ts';
import { NoIdentity, readClaims, TokenSource } from '../api/token-source.ts';
import type { LiveEvent, MessageView, TicketDetailView, TicketSummaryView, TemplateView } from '../api/types.ts';
import { LiveClient, type LiveState } from '../live/live-client.ts';
import type { Identity, WidgetHost } from '../widget-host.ts';
import { LocalStore } from './local-store.ts';
import { Outbox, type QueuedReply } from './outbox.ts';

export type SessionPhase = 'signed-out' | 'guest-needed' | 'starting' | 'ready' | 'failed';
export type LoadStatus = 'idle' | 'loading' | 'ready' | 'error';

export interface ThreadState {
  ticket: TicketDetailView | undefined;
  messages: MessageView[];
  status: LoadStatus;
  error: ApiFailure | undefined;
}

/** Timestamps from the API and from the event log are spelled differently; compare them as instants. */
const instant = (value: string | null | undefined) => (value ? Date.parse(value) : 0);
const iso = (value: unknown) => new Date(String(value)).toISOString();

function byId<T extends { id: string }>(existing: T[], incoming: T[]): T[] {
  const merged = new Map(existing.map((item) => [item.id, item]));
  for (const item of incoming) merged.set(item.id, item);
  return [...merged.values()];
}

/** Two identities are the same customer as far as the page is concerned. */
export function sameIdentity(a: Identity, b: Identity): boolean {
  if (a.kind !== b.kind) return false;
  if (a.kind === 'token' && b.kind === 'token') return a.token === b.token;
  if (a.kind === 'provider' && b.kind === 'provider') return a.provider === b.provider;
  return true;
}

export class WidgetSession extends EventTarget {
  readonly host: WidgetHost;
  readonly identity: Identity;
  readonly server: string;
  readonly store: LocalStore;
  readonly tokens: TokenSource;
  readonly api: WidgetApi;
  phase: SessionPhase = 'starting';
  failure: unknown;
  /** The customer, as the token names them (`sub`): scopes what this browser keeps for them. */
  userKey: string | undefined;
  tickets = new Map<string, TicketSummaryView>();
  nextCursor: string | null = null;
  listStatus: LoadStatus = 'idle';
  listError: ApiFailure | undefined;
  readonly threads = new Map<string, ThreadState>();
  templates: TemplateView[] | undefined;
  connection: LiveState = 'idle';
  outbox: Outbox | undefined;
  /** The thread on screen, if any: its new replies are seen as they arrive. */
  visibleTicketId: string | undefined;
  /** The last team reply that arrived live in the thread on screen: announced to screen readers. */
  announcement: MessageView | undefined;
  #seen: Record<string, string> = {};
  #live: LiveClient | undefined;
  #unread = -1;
  #stopped = false;

  constructor(host: WidgetHost) {
    super();
    this.host = host;
    this.identity = host.identity;
    this.server = host.server;
    this.store = new LocalStore(() => host.interacted, host.storageKey(''));
    this.tokens = new TokenSource(this.identity, () => this.store.read<string | null>(host.storageKey('guest-token'), null));
    this.api = createWidgetApi(this.server, this.tokens);
  }

  /** Sorted as the list shows them: most recently active first. */
  get ticketList(): TicketSummaryView[] {
    return [...this.tickets.values()].sort((a, b) => instant(b.updatedAt) - instant(a.updatedAt));
  }

  isUnread(ticket: TicketSummaryView): boolean {
    return !!ticket.lastMessage?.fromTeam && instant(ticket.lastMessage.createdAt) > instant(this.#seen[ticket.id]);
  }

  get unreadCount(): number {
    return this.ticketList.filter((ticket) => this.isUnread(ticket)).length;
  }

  async start(): Promise<void> {
    const kind = this.identity.kind;
    if (kind === 'none') return this.#setPhase('signed-out');
    let token: string;
    try {
      token = await this.tokens.get();
    } catch (error) {
      if (error instanceof NoIdentity) return this.#setPhase(kind === 'guest' ? 'guest-needed' : 'signed-out');
      this.failure = error;
      return this.#setPhase('failed');
    }
    if (this.#stopped) return;
    this.userKey = readClaims(token).sub ?? 'customer';
    this.#seen = this.store.read(this.#seenKey(), {});
    this.outbox = new Outbox({
      store: this.store,
      storageKey: this.host.storageKey('outbox'),
      userId: this.userKey,
      send: (reply, files, onProgress) => this.api.reply(reply.ticketId, reply.key, reply.message, files, reply.key, onProgress),
    });
    this.outbox.addEventListener('sent', (event) => this.#addMessages([(event as CustomEvent<{ message: MessageView }>).detail.message]));
    this.outbox.addEventListener('change', () => this.#changed());
    this.#live = new LiveClient({
      url: `${this.api.base}/live`,
      token: () => this.tokens.get(),
      onEvent: (event) => this.#apply(event),
      onState: (state, detail) => {
        if (detail?.code === 4401) this.tokens.invalidate();
        this.connection = state;
        // Back in touch: what waited in the outbox goes now, and the list catches up.
        if (state === 'live') {
          void this.outbox?.flush();
          if (this.listStatus === 'error') void this.loadTickets();
          const visible = this.visibleTicketId && this.threads.get(this.visibleTicketId);
          if (visible && visible.status === 'error') void this.loadThread(this.visibleTicketId!);
        }
        this.#changed();
      },
    });
    this.#live.start();
    this.#setPhase('ready');
    void this.outbox.flush();
    await this.loadTickets();
  }

  stop(): void {
    this.#stopped = true;
    this.#live?.stop();
    this.outbox?.stop();
  }

  /** The guest gave their email: a guest session of their own, kept for this server. */
  async startGuest(email: string, name?: string): Promise<void> {
    const session = await this.api.startGuest(email, name);
    this.store.write(this.host.storageKey('guest-token'), session.token);
    this.#setPhase('starting');
    await this.start();
  }

  /** The customer interacted: what was held in memory may now be stored. */
  interactionStarted(): void {
    this.store.flush();
  }

  async loadTickets(more = false): Promise<void> {
    if (this.listStatus === 'loading') return;
    this.listStatus = 'loading';
    this.#changed();
    try {
      const page = await this.api.listTickets(more ? this.nextCursor ?? undefined : undefined);
      for (const ticket of page.items) this.#upsertSummary(ticket);
      if (more || this.nextCursor === null) this.nextCursor = page.nextCursor;
      this.listStatus = 'ready';
      this.listError = undefined;
    } catch (error) {
      this.listStatus = 'error';
      this.listError = error instanceof ApiFailure ? error : undefined;
    }
    this.#changed();
  }

  async loadTemplates(): Promise<TemplateView[]> {
    this.templates ??= await this.api.templates().catch(() => undefined);
    return this.templates ?? [];
  }

  thread(ticketId: string): ThreadState {
    let thread = this.threads.get(ticketId);
    if (!thread) {
      thread = { ticket: undefined, messages: [], status: 'idle', error: undefined };
      this.threads.set(ticketId, thread);
    }
    return thread;
  }

  async loadThread(ticketId: string): Promise<void> {
    const thread = this.thread(ticketId);
    thread.status = 'loading';
    this.#changed();
    try {
      const [ticket, messages] = await Promise.all([this.api.getTicket(ticketId), this.api.listMessages(ticketId)]);
      thread.ticket = ticket;
      thread.messages = byId(thread.messages, messages).sort((a, b) => instant(a.createdAt) - instant(b.createdAt));
      thread.status = 'ready';
      thread.error = undefined;
      this.#upsertSummary(ticket);
      this.#seeIfVisible(ticketId);
    } catch (error) {
      thread.status = 'error';
      thread.error = error instanceof ApiFailure ? error : undefined;
    }
    this.#changed();
  }

  async createTicket(ticket: NewTicket, files: File[], idempotencyKey: string, onProgress?: UploadProgress): Promise<TicketDetailView> {
    const created = await this.api.createTicket(ticket, files, idempotencyKey, onProgress);
    this.#upsertSummary(created);
    this.thread(created.id).ticket = created;
    this.host.ticketCreated(created);
    this.#changed();
    return created;
  }

  reply(ticketId: string, message: string, files: File[]): void {
    this.outbox?.add(ticketId, message, files);
  }

  /**
   * The customer's replies to this ticket still on their way, less those already in the thread:
   * a reply's message has its key for id, and may arrive live before the server's answer does.
   */
  pendingReplies(ticketId: string): QueuedReply[] {
    const queued = this.outbox?.forTicket(ticketId) ?? [];
    if (!queued.length) return queued;
    const arrived = new Set(this.thread(ticketId).messages.map((message) => message.id));
    return queued.filter((reply) => !arrived.has(reply.key));
  }

  /** The thread is on screen (or not): its replies count as seen while it is. */
  showThread(ticketId: string | undefined): void {
    this.visibleTicketId = ticketId;
    if (ticketId) this.#seeIfVisible(ticketId);
  }

  #seeIfVisible(ticketId: string): void {
    if (this.visibleTicketId !== ticketId || !this.host.isOpen || document.visibilityState === 'hidden') return;
    const ticket = this.tickets.get(ticketId);
    const latest = ticket?.lastMessage?.createdAt;
    if (!latest || instant(latest) <= instant(this.#seen[ticketId])) return;
    this.#seen = { ...this.#seen, [ticketId]: iso(latest) };
    this.store.write(this.#seenKey(), this.#seen);
    this.#changed();
  }

  /** Called when the panel opens or the page becomes visible again. */
  refreshSeen(): void {
    if (this.visibleTicketId) this.#seeIfVisible(this.visibleTicketId);
  }

  #seenKey(): string {
    return this.host.storageKey('seen', this.userKey);
  }

  #apply(event: LiveEvent): void {
    const data = event.data as Record<string, any>;
    if (event.kind === 'message.created' && data.message) {
      const m = data.message as Record<string, any>;
      if (m.isInternal) return;
      const message: MessageView = {
        id: m.id,
        ticketId: m.ticketId,
        sender: { id: m.senderId, name: m.senderName ?? null, fromTeam: !!m.fromTeam },
        message: String(m.message ?? ''),
        isInternal: false,
        createdAt: iso(m.createdAt),
        attachments: Array.isArray(m.attachments) ? m.attachments : [],
      };
      const isNew = !this.thread(message.ticketId).messages.some((existing) => existing.id === message.id);
      this.#addMessages([message]);
      if (message.sender.fromTeam && isNew) {
        if (this.visibleTicketId === message.ticketId) this.announcement = message;
        this.host.messageReceived(message);
      }
      this.#changed();
      return;
    }
    if ((event.kind === 'ticket.created' || event.kind === 'ticket.updated') && data.ticket) {
      const t = data.ticket as Record<string, any>;
      const known = this.tickets.get(t.id);
      if (!known) {
        // A ticket opened elsewhere (another tab, the team on the customer's behalf): fetch it whole.
        void this.api.getTicket(t.id).then((ticket) => (this.#upsertSummary(ticket), this.#changed()), () => undefined);
        return;
      }
      const patch = { title: t.title, status: t.status, priority: t.priority, updatedAt: iso(t.updatedAt), resolvedAt: t.resolvedAt ? iso(t.resolvedAt) : null };
      this.tickets.set(t.id, { ...known, ...patch });
      const thread = this.threads.get(t.id);
      if (thread?.ticket) thread.ticket = { ...thread.ticket, ...patch };
      this.#changed();
    }
  }

  #addMessages(messages: MessageView[]): void {
    for (const message of messages) {
      const thread = this.thread(message.ticketId);
      if (!thread.messages.some((existing) => existing.id === message.id)) {
        thread.messages = [...thread.messages, message].sort((a, b) => instant(a.createdAt) - instant(b.createdAt));
      }
      const ticket = this.tickets.get(message.ticketId);
      if (ticket && instant(message.createdAt) >= instant(ticket.lastMessage?.createdAt)) {
        this.tickets.set(ticket.id, {
          ...ticket,
          lastMessage: { id: message.id, preview: message.message.slice(0, 200), senderId: message.sender.id, fromTeam: message.sender.fromTeam, createdAt: message.createdAt },
          messageCount: ticket.messageCount + (ticket.lastMessage?.id === message.id ? 0 : 1),
          updatedAt: instant(message.createdAt) > instant(ticket.updatedAt) ? message.createdAt : ticket.updatedAt,
        });
      }
      this.#seeIfVisible(message.ticketId);
    }
    this.#changed();
  }

  #upsertSummary(ticket: TicketSummaryView): void {
    const known = this.tickets.get(ticket.id);
    if (known && instant(known.updatedAt) > instant(ticket.updatedAt)) return;
    const { id, title, status, priority, customer, assignee, tags, lastMessage, messageCount, createdAt, updatedAt, resolvedAt, firstResponseAt, dueDate } = ticket;
    this.tickets.set(id, { id, title, status, priority, customer, assignee, tags, lastMessage, messageCount, createdAt, updatedAt, resolvedAt, firstResponseAt, dueDate });
  }

  #setPhase(phase: SessionPhase): void {
    this.phase = phase;
    this.#changed();
  }

  #changed(): void {
    const unread = this.unreadCount;
    if (unread !== this.#unread && this.phase === 'ready') {
      this.#unread = unread;
      this.host.unreadChanged(unread);
    }
    this.dispatchEvent(new Event('change'));
  }
}
