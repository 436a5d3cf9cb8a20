/**
 * JSON nested absurdly deep (found by tests/reliability/fuzz.test.ts): a metadata value, ticket
 * metadata or template fields nested a few thousand levels ran validation, the idempotency
 * fingerprint and JSON.stringify out of stack, and the client got a 500. Now anything nested
 * deeper than the limit is a 400 that names the field, in JSON bodies and multipart fields alike,
 * and changes nothing; sane nesting still works.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { maxJsonDepth, nestsDeeperThan } from '../../server/http/json-depth.ts';
import { enginesUnderTest } from '../support/test-database.ts';
import { expectErrorShape, startTestServer, type TestServer, type TestUser } from '../support/test-server.ts';

const nested = (depth: number) => '['.repeat(depth) + ']'.repeat(depth);

describe('nestsDeeperThan', () => {
  it('counts arrays and objects, not brackets inside strings', () => {
    expect(nestsDeeperThan(nested(maxJsonDepth))).toBe(false);
    expect(nestsDeeperThan(nested(maxJsonDepth + 1))).toBe(true);
    expect(nestsDeeperThan('{"a":'.repeat(maxJsonDepth + 1) + '1' + '}'.repeat(maxJsonDepth + 1))).toBe(true);
    expect(nestsDeeperThan(JSON.stringify({ text: '['.repeat(10_000) }))).toBe(false);
    expect(nestsDeeperThan(JSON.stringify({ text: '\\"[[[' }) + nested(3))).toBe(false);
  });
});

describe.each(enginesUnderTest)('deeply nested JSON on %s', (engine) => {
  let server: TestServer;
  let customer: TestUser;
  let agent: TestUser;
  let ticketId: string;

  beforeAll(async () => {
    server = await startTestServer(engine);
    [customer, agent] = [await server.customer(), await server.teamMember('agent')];
    const created = await server.call('POST', '/api/v1/tickets', { token: customer.token, body: { title: 'Deep', description: 'JSON' } });
    ticketId = created.body.id;
  });
  afterAll(async () => {
    await server?.close();
  });

  it('answers 400, not 500, to a metadata value nested thousands of levels deep, and stores nothing', async () => {
    const answer = await server.call('PUT', `/api/v1/tickets/${ticketId}/metadata/deep`, { token: agent.token, body: `{"value":${nested(5_000)}}` });
    expect(answer.status).toBe(400);
    expect(expectErrorShape(answer.body).code).toBe('validation_failed');
    const metadata = await server.call('GET', `/api/v1/tickets/${ticketId}/metadata`, { token: agent.token });
    expect(JSON.stringify(metadata.body)).not.toContain('deep');
  });

  it('answers 400 to a new ticket whose metadata or fields nest too deeply, with or without an Idempotency-Key', async () => {
    for (const body of [`{"title":"a","description":"b","metadata":{"k":${nested(5_000)}}}`, `{"title":"a","description":"b","fields":{"k":${nested(20_000)}}}`]) {
      for (const headers of [{}, { 'idempotency-key': crypto.randomUUID() }] as Record<string, string>[]) {
        const answer = await server.call('POST', '/api/v1/tickets', { token: customer.token, body, headers });
        expect(answer.status).toBe(400);
        expect(expectErrorShape(answer.body).issues?.[0]?.message).toMatch(/nested more than/);
      }
    }
  });

  it('answers 400 to a multipart field of JSON text that nests too deeply', async () => {
    const form = new FormData();
    form.append('title', 'Deep form');
    form.append('description', 'metadata as JSON text');
    form.append('metadata', `{"k":${nested(6_000)}}`);
    const response = await server.app.request('/api/v1/tickets', { method: 'POST', headers: { authorization: `Bearer ${agent.token}` }, body: form });
    expect(response.status).toBe(400);
    expect(expectErrorShape(await response.json()).issues?.[0]?.path).toBe('metadata');
  });

  it('still takes values nested as deep as the limit allows', async () => {
    const answer = await server.call('PUT', `/api/v1/tickets/${ticketId}/metadata/nested`, { token: agent.token, body: `{"value":${nested(maxJsonDepth - 1)}}` });
    expect(answer.status).toBeLessThan(300);
  });
});
