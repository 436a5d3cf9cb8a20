/**
 * A live subscriber as the widget runs it: the browser client (widget/live/live-client.ts) on
 * Node's own WebSocket, with what it showed the view (`shown`) and, separately, every event
 * frame the server sent it (`received`), so a test can tell a duplicate the server sent from one
 * the client would have shown.
 */
import type { LiveEvent } from '../../../server/live/protocol.ts';
import { LiveClient, type LiveState } from '../../../widget/live/live-client.ts';

export interface LiveSubscriber {
  readonly client: LiveClient;
  /** Events handed to the view, in order. */
  readonly shown: LiveEvent[];
  /** Every event frame that arrived over any of its connections, in order. */
  readonly received: number[];
  /** The position of each `ready` frame: where each (re)subscription stood after its replay. */
  readonly readyPositions: number[];
  /** Connections opened (1 + reconnects). */
  readonly connections: () => number;
  /** Close codes the server ended its connections with. */
  readonly closeCodes: number[];
  readonly state: () => LiveState;
  /** Resolves once `check` holds, or rejects after `timeoutMs` saying what it waited for. */
  until(check: () => boolean, what: string, timeoutMs?: number): Promise<void>;
  stop(): void;
}

export async function startLiveSubscriber(baseUrl: string, token: string, options: { after?: number; maxBackoffMs?: number } = {}): Promise<LiveSubscriber> {
  const shown: LiveEvent[] = [];
  const received: number[] = [];
  const closeCodes: number[] = [];
  const readyPositions: number[] = [];
  let connections = 0;
  class CountingWebSocket extends WebSocket {
    constructor(url: string | URL) {
      super(url);
      connections += 1;
      this.addEventListener('message', (message) => {
        const frame = JSON.parse(String(message.data)) as { type: string; id?: number; position?: number };
        if (frame.type === 'event') received.push(frame.id!);
        if (frame.type === 'ready') readyPositions.push(frame.position!);
      });
      this.addEventListener('close', (event) => closeCodes.push(event.code));
    }
  }
  const client = new LiveClient({
    url: `${baseUrl}/api/v1/live`,
    token: () => token,
    onEvent: (event) => shown.push(event),
    WebSocketImpl: CountingWebSocket,
    minBackoffMs: 100,
    maxBackoffMs: options.maxBackoffMs ?? 1000,
    ...(options.after !== undefined ? { after: options.after } : {}),
  });
  const until = (check: () => boolean, what: string, timeoutMs = 15_000) =>
    new Promise<void>((resolve, reject) => {
      const deadline = Date.now() + timeoutMs;
      const poll = () => {
        if (check()) return resolve();
        if (Date.now() > deadline) return reject(new Error(`Timed out after ${timeoutMs} ms waiting for ${what} (state ${client.state}, ${shown.length} shown)`));
        setTimeout(poll, 20);
      };
      poll();
    });
  client.start();
  await until(() => client.state === 'live', 'the subscriber to be live');
  return { client, shown, received, readyPositions, connections: () => connections, closeCodes, state: () => client.state, until, stop: () => client.stop() };
}
