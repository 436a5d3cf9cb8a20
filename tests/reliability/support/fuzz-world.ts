/**
 * What the fuzz starts from: people of every kind (two customers, an agent, an admin) with
 * tokens, and one row of each kind a path can name (each customer's ticket, with a file on one
 * of them, a tag, a template, a metadata key), made through the API itself. Fuzzed requests
 * name these ids often, so they reach the routes' real work, not only the validators.
 */
import { form, png } from '../../support/attachment-files.ts';
import type { TestServer } from '../../support/test-server.ts';

export const actors = ['customer', 'otherCustomer', 'agent', 'admin', 'anonymous'] as const;
export type Actor = (typeof actors)[number];

export interface FuzzWorld {
  tokens: Record<Exclude<Actor, 'anonymous'>, string>;
  /** A token of the same customer, expired; and one signed with another secret. */
  expiredToken: string;
  forgedToken: string;
  ids: { ownTicket: string; otherTicket: string; attachment: string; tag: string; template: string; customer: string; agent: string };
  metadataKey: string;
  knownIds(): string[];
}

async function created(server: TestServer, method: string, path: string, token: string, body: unknown): Promise<{ id: string } & Record<string, unknown>> {
  const answer = await server.call(method, path, { token, body });
  if (answer.status >= 300) throw new Error(`Setting up the fuzz world: ${method} ${path} answered ${answer.status} ${JSON.stringify(answer.body)}`);
  return answer.body as { id: string };
}

export async function buildFuzzWorld(server: TestServer): Promise<FuzzWorld> {
  const [ana, ben, agent, admin] = [await server.customer('Ana'), await server.customer('Ben'), await server.teamMember('agent', 'Aga'), await server.teamMember('admin', 'Adi')];
  const upload = await server.app.request('/api/v1/tickets', {
    method: 'POST',
    headers: { authorization: `Bearer ${ana.token}` },
    body: form({ title: 'Printer on fire', description: 'See the photo.' }, [{ name: 'photo.png', type: 'image/png', bytes: png(4, 3) }]),
  });
  if (upload.status !== 201) throw new Error(`Setting up the fuzz world: the upload answered ${upload.status} ${await upload.text()}`);
  const ownTicket = ((await upload.json()) as { id: string }).id;
  const thread = await server.call('GET', `/api/v1/tickets/${ownTicket}/messages`, { token: ana.token });
  const attachment = (thread.body as { items: { attachments: { id: string }[] }[] }).items[0]!.attachments[0]!.id;
  const otherTicket = (await created(server, 'POST', '/api/v1/tickets', ben.token, { title: 'Other', description: "Ben's own." })).id;
  const tag = (await created(server, 'POST', '/api/v1/tags', agent.token, { name: 'billing' })).id;
  const template = (await created(server, 'POST', '/api/v1/templates', admin.token, { name: 'Refund' })).id;
  const metadataKey = 'order_id';
  await created(server, 'PUT', `/api/v1/tickets/${ownTicket}/metadata/${metadataKey}`, agent.token, { value: 'A-1' });

  const ids = { ownTicket, otherTicket, attachment, tag, template, customer: ana.id, agent: agent.id };
  return {
    tokens: { customer: ana.token, otherCustomer: ben.token, agent: agent.token, admin: admin.token },
    expiredToken: await server.sign({ sub: ana.id }, { expiresIn: Math.floor(Date.now() / 1000) - 60 }),
    forgedToken: await server.sign({ sub: admin.id }, { secret: 'a-different-secret-that-is-long-enough-0000000' }),
    ids,
    metadataKey,
    knownIds: () => Object.values(ids),
  };
}
