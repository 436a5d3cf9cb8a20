import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { enginesUnderTest } from '../support/test-database.ts';
import { expectErrorShape, startTestServer, type TestServer, type TestUser } from '../support/test-server.ts';

describe.each(enginesUnderTest)('ticket templates on %s', (engine) => {
  let server: TestServer;
  let customerA: TestUser;
  let customerB: TestUser;
  let agent: TestUser;
  let admin: TestUser;
  let bugTag: string;
  let webTag: string;

  const bugReport = () => ({
    name: 'Bug report',
    description: 'Something is broken',
    fields: [
      { key: 'browser', label: 'Browser', type: 'select', required: true, options: ['Firefox', 'Chrome', 'Safari'] },
      { key: 'steps', label: 'Steps to reproduce', type: 'textarea', required: false },
      { key: 'contact_ok', label: 'You may contact me', type: 'checkbox', required: false },
    ],
    defaultPriority: 'high',
    defaultTagIds: [bugTag, webTag],
  });

  beforeAll(async () => {
    server = await startTestServer(engine);
    customerA = await server.customer('Ana');
    customerB = await server.customer('Ben');
    agent = await server.teamMember('agent', 'Aga');
    admin = await server.teamMember('admin', 'Adi');
    const bug = await server.call('POST', '/api/v1/tags', { token: agent.token, body: { name: 'bug' } });
    const web = await server.call('POST', '/api/v1/tags', { token: agent.token, body: { name: 'web' } });
    bugTag = bug.body.id;
    webTag = web.body.id;
  });
  afterAll(() => server?.close());

  function expectError(response: { status: number; body: unknown }, status: number, code: string) {
    expect(response.status).toBe(status);
    const error = expectErrorShape(response.body);
    expect(error.code).toBe(code);
    return error;
  }

  function expectIssueAt(error: { issues?: { path: string }[] }, field: string) {
    expect(error.issues?.map((issue) => issue.path)).toContainEqual(expect.stringMatching(new RegExp(`(^|\\.)${field.replace(/\./g, '\\.')}$`)));
  }

  async function template(name: string, extra: Record<string, unknown> = {}): Promise<string> {
    const created = await server.call('POST', '/api/v1/templates', { token: admin.token, body: { name, ...extra } });
    expect(created.status).toBe(201);
    return created.body.id;
  }

  describe('POST /templates', () => {
    it('lets an admin add a template and answers with all of it', async () => {
      const created = await server.call('POST', '/api/v1/templates', { token: admin.token, body: bugReport() });
      expect(created.status).toBe(201);
      expect(created.body).toEqual({
        id: expect.any(String),
        name: 'Bug report',
        description: 'Something is broken',
        fields: [
          { key: 'browser', label: 'Browser', type: 'select', required: true, options: ['Firefox', 'Chrome', 'Safari'] },
          { key: 'steps', label: 'Steps to reproduce', type: 'textarea', required: false },
          { key: 'contact_ok', label: 'You may contact me', type: 'checkbox', required: false },
        ],
        defaultPriority: 'high',
        defaultTagIds: [bugTag, webTag],
        createdAt: expect.any(String),
        updatedAt: expect.any(String),
      });
      expect(created.headers.get('location')).toBe(`/api/v1/templates/${created.body.id}`);
    });

    it('fills in the defaults: no fields, no description, no priority, no tags; required defaults to false', async () => {
      const created = await server.call('POST', '/api/v1/templates', { token: admin.token, body: { name: 'Minimal' } });
      expect(created.status).toBe(201);
      expect(created.body).toMatchObject({ name: 'Minimal', description: null, fields: [], defaultPriority: null, defaultTagIds: [] });
      const lax = await server.call('POST', '/api/v1/templates', { token: admin.token, body: { name: 'Lax', fields: [{ key: 'note', label: 'Note', type: 'text' }] } });
      expect(lax.status).toBe(201);
      expect(lax.body.fields).toEqual([{ key: 'note', label: 'Note', type: 'text', required: false }]);
    });

    it('is what a customer opens a ticket from: fields become metadata, with its priority and tags', async () => {
      const templateId = await template('Login trouble', {
        fields: [{ key: 'email_used', label: 'Email you used', type: 'email', required: true }],
        defaultPriority: 'urgent',
        defaultTagIds: [webTag],
      });
      const ticket = await server.call('POST', '/api/v1/tickets', {
        token: customerA.token,
        body: { title: 'Cannot log in', description: 'Loops.', templateId, fields: { email_used: 'ana@example.com' } },
      });
      expect(ticket.status).toBe(201);
      expect(ticket.body).toMatchObject({ priority: 'urgent', metadata: { email_used: 'ana@example.com' }, tags: [{ id: webTag, name: 'web' }] });
    });

    it('refuses agents and customers with 403', async () => {
      for (const user of [agent, customerA, customerB]) {
        expectError(await server.call('POST', '/api/v1/templates', { token: user.token, body: { name: `by ${user.id}` } }), 403, 'forbidden');
      }
      const list = await server.call('GET', '/api/v1/templates', { token: admin.token });
      expect(list.body.items.map((t: { name: string }) => t.name).filter((name: string) => name.startsWith('by '))).toEqual([]);
    });

    it('answers 401 without a token', async () => {
      expectError(await server.call('POST', '/api/v1/templates', { body: { name: 'anon' } }), 401, 'unauthorized');
    });

    it('answers 409 for a name that is taken', async () => {
      await template('Taken');
      expectError(await server.call('POST', '/api/v1/templates', { token: admin.token, body: { name: 'Taken' } }), 409, 'conflict');
    });

    it('refuses default tags that do not exist, naming each', async () => {
      const missing = randomUUID();
      const error = expectError(
        await server.call('POST', '/api/v1/templates', { token: admin.token, body: { name: 'Ghost tags', defaultTagIds: [bugTag, missing] } }),
        400,
        'validation_failed',
      );
      expectIssueAt(error, 'defaultTagIds.1');
      expect(error.issues?.[0]?.message).toContain(missing);
    });

    const field = (extra: Record<string, unknown>) => ({ key: 'f', label: 'F', type: 'text', required: false, ...extra });
    it.each([
      ['a select field without options', { fields: [field({ type: 'select' })] }, 'fields.0.options'],
      ['a select field with empty options', { fields: [field({ type: 'select', options: [] })] }, 'fields.0.options'],
      ['a select field with the same option twice', { fields: [field({ type: 'select', options: ['a', 'a'] })] }, 'fields.0.options'],
      ['options on a text field', { fields: [field({ options: ['a'] })] }, 'fields.0.options'],
      ['the same key twice', { fields: [field({ key: 'dup' }), field({ key: 'dup', type: 'number' })] }, 'fields.1.key'],
      ['a key with capitals', { fields: [field({ key: 'Order' })] }, 'fields.0.key'],
      ['a key starting with a digit', { fields: [field({ key: '1st' })] }, 'fields.0.key'],
      ['a key over 64 characters', { fields: [field({ key: `k${'x'.repeat(64)}` })] }, 'fields.0.key'],
      ['an unknown field type', { fields: [field({ type: 'date' })] }, 'fields.0.type'],
      ['an empty label', { fields: [field({ label: ' ' })] }, 'fields.0.label'],
      ['an unknown property on a field', { fields: [field({ placeholder: 'x' })] }, 'fields.0'],
      ['an unknown body field', { isActive: true }, 'isActive'],
      ['a bad default priority', { defaultPriority: 'asap' }, 'defaultPriority'],
      ['a default tag id that is not a UUID', { defaultTagIds: ['bug'] }, 'defaultTagIds.0'],
    ])('refuses %s with 400 validation_failed', async (_, extra, path) => {
      const error = expectError(await server.call('POST', '/api/v1/templates', { token: admin.token, body: { name: 'Invalid', ...extra } }), 400, 'validation_failed');
      expect(error.issues?.map((issue) => issue.path).some((p) => p === path || p.endsWith(`.${path}`) || p.startsWith(`${path}.`) || p.includes(`.${path}.`))).toBe(true);
    });

    it('refuses a template without a name', async () => {
      expectIssueAt(expectError(await server.call('POST', '/api/v1/templates', { token: admin.token, body: { fields: [] } }), 400, 'validation_failed'), 'name');
    });
  });

  describe('GET /templates', () => {
    it('lists every template sorted by name, for customers and the team alike', async () => {
      for (const user of [customerA, customerB, agent, admin]) {
        const list = await server.call('GET', '/api/v1/templates', { token: user.token });
        expect(list.status).toBe(200);
        const names = list.body.items.map((t: { name: string }) => t.name);
        expect(names).toEqual([...names].sort());
        expect(names).toEqual(expect.arrayContaining(['Bug report', 'Minimal', 'Login trouble']));
        const bug = list.body.items.find((t: { name: string }) => t.name === 'Bug report');
        expect(bug.fields[0]).toEqual({ key: 'browser', label: 'Browser', type: 'select', required: true, options: ['Firefox', 'Chrome', 'Safari'] });
      }
    });

    it('answers 401 without a token', async () => {
      expectError(await server.call('GET', '/api/v1/templates'), 401, 'unauthorized');
    });
  });

  describe('PATCH /templates/:id', () => {
    it('lets an admin change a template; fields replace the old ones; null clears', async () => {
      const id = await template('Changeable', { description: 'old', defaultPriority: 'low', fields: [{ key: 'a', label: 'A', type: 'text' }] });
      const changed = await server.call('PATCH', `/api/v1/templates/${id}`, {
        token: admin.token,
        body: { name: 'Changed', description: null, defaultPriority: null, fields: [{ key: 'b', label: 'B', type: 'number', required: true }], defaultTagIds: [bugTag] },
      });
      expect(changed.status).toBe(200);
      expect(changed.body).toMatchObject({
        id,
        name: 'Changed',
        description: null,
        defaultPriority: null,
        fields: [{ key: 'b', label: 'B', type: 'number', required: true }],
        defaultTagIds: [bugTag],
      });
      const only = await server.call('PATCH', `/api/v1/templates/${id}`, { token: admin.token, body: { defaultPriority: 'medium' } });
      expect(only.body).toMatchObject({ name: 'Changed', defaultPriority: 'medium', fields: [{ key: 'b' }] });
    });

    it('refuses agents and customers with 403 and changes nothing', async () => {
      const id = await template('Guarded');
      for (const user of [agent, customerA, customerB]) {
        expectError(await server.call('PATCH', `/api/v1/templates/${id}`, { token: user.token, body: { name: 'Hijacked' } }), 403, 'forbidden');
      }
      const list = await server.call('GET', '/api/v1/templates', { token: agent.token });
      expect(list.body.items.map((t: { name: string }) => t.name)).toContain('Guarded');
      expect(list.body.items.map((t: { name: string }) => t.name)).not.toContain('Hijacked');
    });

    it('answers 401 without a token, 404 for an unknown template, 400 for a bad id', async () => {
      const id = await template('Patch errors');
      expectError(await server.call('PATCH', `/api/v1/templates/${id}`, { body: { name: 'x' } }), 401, 'unauthorized');
      expectError(await server.call('PATCH', `/api/v1/templates/${randomUUID()}`, { token: admin.token, body: { name: 'x' } }), 404, 'not_found');
      expectIssueAt(expectError(await server.call('PATCH', '/api/v1/templates/zzz', { token: admin.token, body: { name: 'x' } }), 400, 'validation_failed'), 'id');
    });

    it('answers 409 when renaming onto another template, and 400 for bad changes', async () => {
      const id = await template('Rename me');
      expectError(await server.call('PATCH', `/api/v1/templates/${id}`, { token: admin.token, body: { name: 'Bug report' } }), 409, 'conflict');
      expectError(await server.call('PATCH', `/api/v1/templates/${id}`, { token: admin.token, body: {} }), 400, 'validation_failed');
      expectIssueAt(expectError(await server.call('PATCH', `/api/v1/templates/${id}`, { token: admin.token, body: { defaultTagIds: [randomUUID()] } }), 400, 'validation_failed'), 'defaultTagIds.0');
      expectIssueAt(expectError(await server.call('PATCH', `/api/v1/templates/${id}`, { token: admin.token, body: { fields: [{ key: 'x', label: 'X', type: 'select' }] } }), 400, 'validation_failed'), 'fields.0.options');
      expectError(await server.call('PATCH', `/api/v1/templates/${id}`, { token: admin.token, body: { id: randomUUID() } }), 400, 'validation_failed');
      const unchanged = await server.call('GET', '/api/v1/templates', { token: admin.token });
      expect(unchanged.body.items.find((t: { id: string }) => t.id === id)).toMatchObject({ name: 'Rename me', defaultTagIds: [] });
    });
  });

  it('stops listing a default tag once an agent deletes that tag', async () => {
    const ephemeral = await server.call('POST', '/api/v1/tags', { token: agent.token, body: { name: 'ephemeral' } });
    const id = await template('Outlives a tag', { defaultTagIds: [ephemeral.body.id, bugTag] });
    expect((await server.call('DELETE', `/api/v1/tags/${ephemeral.body.id}`, { token: agent.token })).status).toBe(204);
    const list = await server.call('GET', '/api/v1/templates', { token: customerA.token });
    expect(list.body.items.find((t: { id: string }) => t.id === id).defaultTagIds).toEqual([bugTag]);
  });

  describe('DELETE /templates/:id', () => {
    it('lets an admin delete a template (204, no body); deleting it again is 404', async () => {
      const id = await template('Short-lived');
      const deleted = await server.call('DELETE', `/api/v1/templates/${id}`, { token: admin.token });
      expect(deleted.status).toBe(204);
      expect(deleted.body).toBeUndefined();
      const list = await server.call('GET', '/api/v1/templates', { token: customerA.token });
      expect(list.body.items.map((t: { id: string }) => t.id)).not.toContain(id);
      expectError(await server.call('DELETE', `/api/v1/templates/${id}`, { token: admin.token }), 404, 'not_found');
    });

    it('refuses agents and customers with 403 and keeps the template', async () => {
      const id = await template('Keeper');
      for (const user of [agent, customerA, customerB]) {
        expectError(await server.call('DELETE', `/api/v1/templates/${id}`, { token: user.token }), 403, 'forbidden');
      }
      const list = await server.call('GET', '/api/v1/templates', { token: customerA.token });
      expect(list.body.items.map((t: { id: string }) => t.id)).toContain(id);
    });

    it('answers 401 without a token and 400 for a bad id', async () => {
      const id = await template('Delete errors');
      expectError(await server.call('DELETE', `/api/v1/templates/${id}`), 401, 'unauthorized');
      expectIssueAt(expectError(await server.call('DELETE', '/api/v1/templates/1', { token: admin.token }), 400, 'validation_failed'), 'id');
    });
  });
});
