/**
 * Attachments end to end, on each engine × each storage driver (local disk, and S3 against a
 * real S3-compatible server on loopback): uploads on new tickets and replies, every limit, the
 * classic attacks, downloads (headers, Range, ETag), access through row-level security, and that
 * a request that fails leaves no file behind.
 */
import { randomUUID } from 'node:crypto';
import { mkdtemp, readdir, rm } from 'node:fs/promises';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { serve, type ServerType } from '@hono/node-server';
import { and, eq, sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ticketAttachments, ticketEvents, ticketMessages, ticketTags } from '../../db/schema/index.ts';
import { sweepOrphanedAttachments } from '../../server/attachments/sweep.ts';
import { diskStorageRoot, storageFor, type AttachmentStorage } from '../../server/storage/index.ts';
import { bareSvg, docx, elf, form, gif, html, jpeg, odt, pdf, png, rawMultipart, sha256, svgWithScript, text, webp, xlsx, zip, type TestFile } from '../support/attachment-files.ts';
import { startS3TestServer, type S3TestServer } from '../support/s3-server.ts';
import { enginesUnderTest } from '../support/test-database.ts';
import { expectErrorShape, startTestServer, type TestServer, type TestUser } from '../support/test-server.ts';

const maxFileBytes = 200_000;
const maxFiles = 3;
const maxRequestBytes = 450_000;
const drivers = ['disk', 's3'] as const;

interface Reply {
  status: number;
  body: any;
  headers: Headers;
}

describe.each(enginesUnderTest)('attachments on %s', (engine) => {
  describe.each(drivers)('stored on %s', (driver) => {
    let server: TestServer;
    let store: AttachmentStorage;
    let dataDir: string;
    let s3: S3TestServer | undefined;
    let ana: TestUser;
    let ben: TestUser;
    let agent: TestUser;

    beforeAll(async () => {
      dataDir = await mkdtemp(join(tmpdir(), 'tw-attachments-'));
      if (driver === 's3') s3 = await startS3TestServer();
      server = await startTestServer(engine, {
        DATA_DIR: dataDir,
        ATTACHMENT_MAX_FILE_BYTES: String(maxFileBytes),
        ATTACHMENT_MAX_FILES: String(maxFiles),
        ATTACHMENT_MAX_REQUEST_BYTES: String(maxRequestBytes),
        RATE_LIMIT_MESSAGES_PER_MINUTE: '10000',
        RATE_LIMIT_TICKETS_PER_HOUR: '10000',
        ...(s3?.env ?? {}),
      });
      store = storageFor(server.deps.config);
      expect(store.kind).toBe(driver);
      [ana, ben, agent] = [await server.customer('Ana'), await server.customer('Ben'), await server.teamMember('agent', 'Aga')];
    });
    afterAll(async () => {
      (store as { close?: () => void } | undefined)?.close?.();
      await server?.close();
      await s3?.close();
      await rm(dataDir, { recursive: true, force: true });
    });

    const parse = async (response: Response): Promise<Reply> => {
      const raw = await response.text();
      let body: unknown = raw;
      try {
        body = raw ? JSON.parse(raw) : undefined;
      } catch {
        // not JSON
      }
      return { status: response.status, body, headers: response.headers };
    };
    const post = async (user: TestUser, path: string, body: FormData | Buffer, headers: Record<string, string> = {}) =>
      parse(await server.app.request(path, { method: 'POST', headers: { authorization: `Bearer ${user.token}`, ...headers }, body: body instanceof FormData ? body : new Uint8Array(body) }));
    const reply = (user: TestUser, ticketId: string, files: TestFile[], fields: Record<string, string | string[]> = { message: 'See attached.' }, headers: Record<string, string> = {}) =>
      post(user, `/api/v1/tickets/${ticketId}/messages`, form(fields, files), headers);
    const openTicket = async (user: TestUser = ana) => (await server.call('POST', '/api/v1/tickets', { token: user.token, body: { title: 'Export fails', description: 'It spins.' } })).body.id as string;
    const download = (user: TestUser | undefined, id: string, headers: Record<string, string> = {}, method = 'GET') =>
      server.app.request(`/api/v1/attachments/${id}`, { method, headers: { ...(user ? { authorization: `Bearer ${user.token}` } : {}), ...headers } });
    const bytesOf = async (response: Response) => Buffer.from(await response.arrayBuffer());

    /** Every stored object has its row and every row its object: nothing left behind, nothing lost. */
    const expectStorageMatchesDatabase = async () => {
      const stored: string[] = [];
      for await (const object of store.list()) stored.push(object.key);
      const rows = await server.testDb.handle.systemDb.select({ key: ticketAttachments.storageKey }).from(ticketAttachments);
      expect(stored.sort()).toEqual(rows.map((row) => row.key).sort());
      return stored.length;
    };
    const expectRefused = async (reply: Reply, status: number, code: string) => {
      expect(reply.status, JSON.stringify(reply.body)).toBe(status);
      expect(expectErrorShape(reply.body).code).toBe(code);
      await expectStorageMatchesDatabase();
    };

    describe('uploading', () => {
      it('a reply with files: descriptors in the response, the thread and the event log; bytes, type, size and SHA-256 recorded', async () => {
        const ticketId = await openTicket();
        const image = png(64, 48);
        const document = pdf(5000);
        const { status, body } = await reply(ana, ticketId, [
          { name: 'screenshot.png', type: 'image/png', bytes: image },
          { name: 'invoice.pdf', type: 'application/pdf', bytes: document },
        ]);
        expect(status, JSON.stringify(body)).toBe(201);
        expect(body.attachments).toEqual([
          { id: expect.any(String), name: 'screenshot.png', type: 'image/png', size: image.length, width: 64, height: 48 },
          { id: expect.any(String), name: 'invoice.pdf', type: 'application/pdf', size: document.length },
        ]);
        const thread = await server.call('GET', `/api/v1/tickets/${ticketId}/messages`, { token: ana.token });
        expect(thread.body.items.at(-1).attachments).toEqual(body.attachments);

        const db = server.testDb.handle.systemDb;
        const rows = await db.select().from(ticketAttachments).where(eq(ticketAttachments.messageId, body.id)).orderBy(ticketAttachments.position);
        expect(rows.map((r) => [r.sha256, r.size, r.contentType, r.uploaderId, r.ticketId])).toEqual([
          [sha256(image), image.length, 'image/png', ana.id, ticketId],
          [sha256(document), document.length, 'application/pdf', ana.id, ticketId],
        ]);
        // Storage keys are random, never the name.
        for (const row of rows) expect(row.storageKey).toMatch(/^[0-9a-f]{32}$/);
        expect(await bytesOf(await download(ana, rows[0]!.id))).toEqual(image);

        // The message.created event carries the same descriptors (written with the row).
        const [event] = await db.select().from(ticketEvents).where(and(eq(ticketEvents.kind, 'message.created'), sql`${ticketEvents.payload} -> 'message' ->> 'id' = ${body.id}`));
        expect((event!.payload as { message: { attachments: unknown } }).message.attachments).toEqual(body.attachments);
        await expectStorageMatchesDatabase();
      });

      it('a new ticket with files: they belong to its opening message; fields as in JSON', async () => {
        const { status, body } = await post(
          ana,
          '/api/v1/tickets',
          form({ title: 'Broken chart', description: 'See the two images.', priority: 'high' }, [
            { name: 'a.gif', type: 'image/gif', bytes: gif(10, 20) },
            { name: 'b.webp', type: 'image/webp', bytes: webp(300, 200) },
          ]),
        );
        expect(status, JSON.stringify(body)).toBe(201);
        expect(body).toMatchObject({ title: 'Broken chart', priority: 'high', description: 'See the two images.', messageCount: 1 });
        const thread = await server.call('GET', `/api/v1/tickets/${body.id}/messages`, { token: ana.token });
        expect(thread.body.items).toHaveLength(1);
        expect(thread.body.items[0].message).toBe('See the two images.');
        expect(thread.body.items[0].attachments).toMatchObject([
          { name: 'a.gif', type: 'image/gif', width: 10, height: 20 },
          { name: 'b.webp', type: 'image/webp', width: 300, height: 200 },
        ]);
      });

      it('a team member opens a ticket for a customer with tags (repeated field), metadata (JSON text) and a file', async () => {
        const [tag] = await server.testDb.handle.systemDb.insert(ticketTags).values({ name: `vip-${driver}-${engine}`, color: '#ff0000' }).returning();
        const { status, body } = await post(
          agent,
          '/api/v1/tickets',
          form({ title: 'Phone call', description: 'Customer called about invoices.', customerId: ben.id, tagIds: [tag!.id], metadata: '{"plan":"pro","seats":3}' }, [
            { name: 'notes.txt', type: 'text/plain', bytes: text(300) },
          ]),
        );
        expect(status, JSON.stringify(body)).toBe(201);
        expect(body.customer.id).toBe(ben.id);
        expect(body.tags.map((t: { id: string }) => t.id)).toEqual([tag!.id]);
        expect(body.metadata).toEqual({ plan: 'pro', seats: 3 });
        const thread = await server.call('GET', `/api/v1/tickets/${body.id}/messages`, { token: ben.token });
        expect(thread.body.items[0].attachments).toMatchObject([{ name: 'notes.txt', type: 'text/plain', size: 300 }]);
      });

      it('recognises office documents, zip, CSV, JPEG (dimensions after a large EXIF segment)', async () => {
        const ticketId = await openTicket();
        const { status, body } = await reply(ana, ticketId, [
          { name: 'report.docx', type: 'application/vnd.openxmlformats-officedocument.wordprocessingml.document', bytes: docx() },
          { name: 'sheet.xlsx', type: 'application/octet-stream', bytes: xlsx() },
          { name: 'photo.jpg', type: 'image/jpeg', bytes: jpeg(1024, 768, 70_000) },
        ]);
        expect(status, JSON.stringify(body)).toBe(201);
        expect(body.attachments.map((a: { type: string }) => a.type)).toEqual([
          'application/vnd.openxmlformats-officedocument.wordprocessingml.document',
          'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
          'image/jpeg',
        ]);
        expect(body.attachments[2]).toMatchObject({ width: 1024, height: 768 });
        const more = await reply(ana, ticketId, [
          { name: 'letter.odt', type: 'application/vnd.oasis.opendocument.text', bytes: odt() },
          { name: 'logs.zip', type: 'application/x-zip-compressed', bytes: zip([{ name: 'app.log', data: 'ok' }]) },
          // Windows declares .csv as Excel.
          { name: 'data.csv', type: 'application/vnd.ms-excel', bytes: Buffer.from('id,name\n1,Ana\n') },
        ]);
        expect(more.status, JSON.stringify(more.body)).toBe(201);
        expect(more.body.attachments.map((a: { type: string }) => a.type)).toEqual(['application/vnd.oasis.opendocument.text', 'application/zip', 'text/csv']);
      });

      it('takes the type from the bytes, not the name: an image called .txt, sent as octet-stream, is a PNG named .png', async () => {
        const ticketId = await openTicket();
        const { status, body } = await reply(ana, ticketId, [{ name: 'not-an-image.txt', type: 'application/octet-stream', bytes: png(2, 2) }]);
        expect(status).toBe(201);
        expect(body.attachments[0]).toMatchObject({ type: 'image/png', name: 'not-an-image.txt.png' });
      });

      it('a reply with no files in multipart is just a reply', async () => {
        const ticketId = await openTicket();
        const { status, body } = await reply(ana, ticketId, [], { message: 'Only words.' });
        expect(status).toBe(201);
        expect(body).toMatchObject({ message: 'Only words.', attachments: [] });
      });

      it('takes the message id the client chose, and refuses a taken one with 409 keeping no file', async () => {
        const ticketId = await openTicket();
        const chosen = randomUUID();
        const files = [{ name: 'a.pdf', type: 'application/pdf', bytes: pdf(100) }];
        const first = await reply(ana, ticketId, files, { id: chosen, message: 'Mine.' });
        expect([first.status, first.body.id]).toEqual([201, chosen]);
        const objects = await expectStorageMatchesDatabase();
        await expectRefused(await reply(ana, ticketId, files, { id: chosen, message: 'Again.' }), 409, 'conflict');
        await expectRefused(await reply(ana, ticketId, files, { id: 'not-a-uuid', message: 'Bad.' }), 400, 'validation_failed');
        expect(await expectStorageMatchesDatabase()).toBe(objects);
      });

      it('honours Idempotency-Key with multipart: the same files replay, other files conflict, and neither keeps a copy', async () => {
        const ticketId = await openTicket();
        const files = [{ name: 'a.pdf', type: 'application/pdf', bytes: pdf(100) }];
        const first = await reply(ana, ticketId, files, { message: 'Once' }, { 'idempotency-key': `k-${driver}` });
        expect(first.status).toBe(201);
        const objects = await expectStorageMatchesDatabase();
        const again = await reply(ana, ticketId, files, { message: 'Once' }, { 'idempotency-key': `k-${driver}` });
        expect(again.status).toBe(201);
        expect(again.headers.get('idempotent-replayed')).toBe('true');
        expect(again.body.id).toBe(first.body.id);
        expect(await expectStorageMatchesDatabase()).toBe(objects);
        const other = await reply(ana, ticketId, [{ name: 'a.pdf', type: 'application/pdf', bytes: pdf(101) }], { message: 'Once' }, { 'idempotency-key': `k-${driver}` });
        await expectRefused(other, 409, 'conflict');
        expect(await expectStorageMatchesDatabase()).toBe(objects);
      });

      it('replays a reply with files sent without an id when it is retried with its key as id (a widget upgraded in between), keeping no copy', async () => {
        const ticketId = await openTicket();
        const key = randomUUID();
        const files = [{ name: 'a.pdf', type: 'application/pdf', bytes: pdf(102) }];
        const first = await reply(ana, ticketId, files, { message: 'Before the upgrade' }, { 'idempotency-key': key });
        expect(first.status).toBe(201);
        const objects = await expectStorageMatchesDatabase();
        const retried = await reply(ana, ticketId, files, { id: key, message: 'Before the upgrade' }, { 'idempotency-key': key });
        expect(retried.status).toBe(201);
        expect(retried.headers.get('idempotent-replayed')).toBe('true');
        expect(retried.body).toEqual(first.body);
        expect(await expectStorageMatchesDatabase()).toBe(objects);
      });
    });

    describe('limits', () => {
      it('takes a file of exactly the per-file limit, and refuses one byte more with 413, keeping nothing', async () => {
        const ticketId = await openTicket();
        expect((await reply(ana, ticketId, [{ name: 'max.txt', type: 'text/plain', bytes: text(maxFileBytes) }])).status).toBe(201);
        const over = await reply(ana, ticketId, [
          { name: 'first.pdf', type: 'application/pdf', bytes: pdf() },
          { name: 'big.txt', type: 'text/plain', bytes: text(maxFileBytes + 1) },
        ]);
        await expectRefused(over, 413, 'payload_too_large');
        expect(over.body.error.issues).toEqual([{ path: 'files[1]', message: `larger than ${maxFileBytes} bytes` }]);
      });

      it(`refuses more than ${maxFiles} files with 413, keeping none of them`, async () => {
        const ticketId = await openTicket();
        const files = Array.from({ length: maxFiles + 1 }, (_, i) => ({ name: `f${i}.pdf`, type: 'application/pdf', bytes: pdf(i) }));
        const refused = await reply(ana, ticketId, files);
        await expectRefused(refused, 413, 'payload_too_large');
        expect(refused.body.error.issues[0].path).toBe('files');
        expect((await reply(ana, ticketId, files.slice(0, maxFiles))).status).toBe(201);
      });

      it('refuses a request over the per-request limit (each file under its own) with 413, keeping nothing', async () => {
        const ticketId = await openTicket();
        const files = Array.from({ length: 3 }, (_, i) => ({ name: `part${i}.txt`, type: 'text/plain', bytes: text(180_000) }));
        await expectRefused(await reply(ana, ticketId, files), 413, 'payload_too_large');
      });

      it('refuses a declared Content-Length over the request limit before reading the body', async () => {
        const ticketId = await openTicket();
        const { body, contentType } = rawMultipart([{ name: 'message', data: 'hi' }]);
        const refused = await post(ana, `/api/v1/tickets/${ticketId}/messages`, body, { 'content-type': contentType, 'content-length': String(maxRequestBytes + 1) });
        await expectRefused(refused, 413, 'payload_too_large');
      });

      it('refuses an empty file, a field over the JSON limit, files in another field, and malformed bodies', async () => {
        const ticketId = await openTicket();
        await expectRefused(await reply(ana, ticketId, [{ name: 'empty.txt', type: 'text/plain', bytes: Buffer.alloc(0) }]), 400, 'validation_failed');
        await expectRefused(await reply(ana, ticketId, [{ name: 'a.pdf', type: 'application/pdf', bytes: pdf() }], { message: 'x'.repeat(1024 * 1024 + 1) }), 413, 'payload_too_large');
        await expectRefused(await post(ana, `/api/v1/tickets/${ticketId}/messages`, form({ message: 'hi' }, [{ name: 'a.pdf', type: 'application/pdf', bytes: pdf() }], 'attachment')), 400, 'validation_failed');
        await expectRefused(await post(ana, `/api/v1/tickets/${ticketId}/messages`, Buffer.from('--x\r\nnot a part'), { 'content-type': 'multipart/form-data; boundary=x' }), 400, 'validation_failed');
        await expectRefused(await post(ana, `/api/v1/tickets/${ticketId}/messages`, Buffer.from('whatever'), { 'content-type': 'multipart/form-data' }), 400, 'validation_failed');
      });

      it('validates the fields with the JSON schema after the upload, and then keeps nothing', async () => {
        const ticketId = await openTicket();
        const refused = await reply(ana, ticketId, [{ name: 'a.pdf', type: 'application/pdf', bytes: pdf() }], { message: '   ' });
        await expectRefused(refused, 400, 'validation_failed');
        expect(refused.body.error.issues[0].path).toBe('message');
        const unknown = await post(ana, '/api/v1/tickets', form({ title: 'T', description: 'D', sneaky: 'x' }, [{ name: 'a.pdf', type: 'application/pdf', bytes: pdf() }]));
        await expectRefused(unknown, 400, 'validation_failed');
        expect(unknown.body.error.issues).toEqual([{ path: 'sneaky', message: 'unknown field' }]);
      });
    });

    describe('attacks', () => {
      it('refuses HTML declared as image/png with 415, keeping nothing', async () => {
        const ticketId = await openTicket();
        const refused = await reply(ana, ticketId, [{ name: 'cat.png', type: 'image/png', bytes: html }]);
        await expectRefused(refused, 415, 'unsupported_media_type');
        expect(refused.body.error.message).toMatch(/HTML/);
      });

      it('refuses SVG and HTML carrying script, whatever they are declared as', async () => {
        const ticketId = await openTicket();
        for (const [bytes, type, name] of [
          [svgWithScript, 'image/svg+xml', 'logo.svg'],
          [svgWithScript, 'image/png', 'logo.png'],
          [bareSvg, 'text/plain', 'logo.txt'],
          [svgWithScript, 'application/octet-stream', 'logo'],
          [html, 'text/html', 'page.html'],
          [html, 'text/plain', 'page.txt'],
          [Buffer.concat([Buffer.from('\ufeff\n  '), html]), 'application/octet-stream', 'page.txt'],
        ] as const) {
          const refused = await reply(ana, ticketId, [{ name, type, bytes }]);
          await expectRefused(refused, 415, 'unsupported_media_type');
        }
      });

      it('refuses a declared type the bytes contradict, and types not on the list', async () => {
        const ticketId = await openTicket();
        await expectRefused(await reply(ana, ticketId, [{ name: 'photo.png', type: 'image/png', bytes: jpeg(10, 10) }]), 415, 'unsupported_media_type');
        await expectRefused(await reply(ana, ticketId, [{ name: 'report.pdf', type: 'application/pdf', bytes: docx() }]), 415, 'unsupported_media_type');
        await expectRefused(await reply(ana, ticketId, [{ name: 'tool', type: 'application/octet-stream', bytes: elf }]), 415, 'unsupported_media_type');
        await expectRefused(await reply(ana, ticketId, [{ name: 'data.js', type: 'text/javascript', bytes: Buffer.from('alert(1)') }]), 415, 'unsupported_media_type');
      });

      it('refuses text that turns out not to be UTF-8 after the sniffing window, keeping nothing', async () => {
        const ticketId = await openTicket();
        const bytes = Buffer.concat([text(100_000), Buffer.from([0xff, 0xfe]), text(100)]);
        await expectRefused(await reply(ana, ticketId, [{ name: 'log.txt', type: 'text/plain', bytes }]), 415, 'unsupported_media_type');
        const nul = Buffer.concat([text(90_000), Buffer.from([0]), text(10)]);
        await expectRefused(await reply(ana, ticketId, [{ name: 'log.txt', type: 'text/plain', bytes: nul }]), 415, 'unsupported_media_type');
      });

      it('sanitizes ../ names, bidirectional overrides and control characters; stores under random keys', async () => {
        const ticketId = await openTicket();
        const send = async (parts: Parameters<typeof rawMultipart>[0]) => {
          const { body, contentType } = rawMultipart([{ name: 'message', data: 'names' }, ...parts]);
          const created = await post(ana, `/api/v1/tickets/${ticketId}/messages`, body, { 'content-type': contentType });
          expect(created.status, JSON.stringify(created.body)).toBe(201);
          return created.body.attachments as { id: string; name: string }[];
        };
        const first = await send([
          { name: 'files', filename: '../../../etc/passwd', type: 'text/plain', data: 'root:x:0:0' },
          { name: 'files', filename: 'invoice\u202Efdp.exe', type: 'application/pdf', data: pdf() },
          // Control characters can only come percent-encoded (RFC 5987); CR LF must not reach a header.
          { name: 'files', filenameStar: '..\\..\\win.ini\u0007\u001b[31m\r\nX-Injected: 1', type: 'application/octet-stream', data: 'x=1' },
        ]);
        const second = await send([{ name: 'files', filenameStar: '\u202Egnp.\u2066\u200Bcute-cat\u2069', type: 'application/pdf', data: pdf() }]);
        expect([...first, ...second].map((a) => a.name)).toEqual(['passwd.txt', 'invoicefdp.exe.pdf', 'win.ini[31mX-Injected_ 1.txt', 'gnp.cute-cat.pdf']);
        for (const attachment of [...first, ...second]) {
          const response = await download(ana, attachment.id);
          expect(response.status).toBe(200);
          const disposition = response.headers.get('content-disposition')!;
          expect(disposition).not.toMatch(/[\u0000-\u001f\u007f\u202a-\u202e\u2066-\u2069]|%E2%80%AE|%0D|%0A/);
          expect(response.headers.get('x-injected')).toBeNull();
          await response.arrayBuffer();
        }
        expect((await download(ana, first[1]!.id)).headers.get('content-disposition')).toBe(`attachment; filename="invoicefdp.exe.pdf"; filename*=UTF-8''invoicefdp.exe.pdf`);
        if (driver === 'disk') {
          const root = diskStorageRoot(server.deps.config);
          for (const shard of (await readdir(root)).filter((s) => s !== '.incoming')) for (const name of await readdir(join(root, shard))) expect(name).toMatch(/^[0-9a-f]{32}$/);
        }
      });

      it('bounds long names, keeps non-ASCII names exact in filename*, and defuses Windows device names', async () => {
        const ticketId = await openTicket();
        const created = await reply(ana, ticketId, [
          { name: `${'a'.repeat(400)}.pdf`, type: 'application/pdf', bytes: pdf() },
          { name: 'Überweisung – März 2026 ✓.pdf', type: 'application/pdf', bytes: pdf(1) },
          { name: 'CON.txt', type: 'text/plain', bytes: text(10) },
        ]);
        expect(created.status).toBe(201);
        const [long, unicode, device] = created.body.attachments;
        expect([...long.name].length).toBeLessThanOrEqual(180);
        expect(long.name).toMatch(/^a+\.pdf$/);
        expect(unicode.name).toBe('Überweisung – März 2026 ✓.pdf');
        expect(device.name).toBe('_CON.txt');
        const disposition = (await download(ana, unicode.id)).headers.get('content-disposition')!;
        expect(disposition).toBe(`attachment; filename="Uberweisung  Marz 2026 .pdf"; filename*=UTF-8''${encodeURIComponent('Überweisung – März 2026 ✓.pdf')}`);
      });

      it("hides another customer's attachment as not found", async () => {
        const ticketId = await openTicket(ana);
        const { body } = await reply(ana, ticketId, [{ name: 'private.pdf', type: 'application/pdf', bytes: pdf() }]);
        const id = body.attachments[0].id;
        expect((await download(ana, id)).status).toBe(200);
        const asBen = await download(ben, id);
        expect(asBen.status).toBe(404);
        expect(expectErrorShape(await asBen.json()).code).toBe('not_found');
        expect((await download(agent, id)).status).toBe(200);
        expect((await download(undefined, id)).status).toBe(401);
        expect((await download(ana, '00000000-0000-4000-8000-000000000000')).status).toBe(404);
        expect((await download(ana, 'not-a-uuid')).status).toBe(400);
      });

      it("hides an internal note's attachment from the customer, and shows it to the team", async () => {
        const ticketId = await openTicket(ana);
        const note = await reply(agent, ticketId, [{ name: 'fraud-check.pdf', type: 'application/pdf', bytes: pdf(7) }], { message: 'Looks like fraud', isInternal: 'true' });
        expect(note.status, JSON.stringify(note.body)).toBe(201);
        expect(note.body.isInternal).toBe(true);
        const id = note.body.attachments[0].id;
        expect((await download(agent, id)).status).toBe(200);
        expect((await download(ana, id)).status).toBe(404);
        const thread = await server.call('GET', `/api/v1/tickets/${ticketId}/messages`, { token: ana.token });
        expect(JSON.stringify(thread.body)).not.toContain(id);
      });

      it("refuses a reply with a file on someone else's ticket (404), keeping nothing", async () => {
        const ticketId = await openTicket(ana);
        await expectRefused(await reply(ben, ticketId, [{ name: 'x.pdf', type: 'application/pdf', bytes: pdf() }]), 404, 'not_found');
      });

      it('refuses an internal note with a file from a customer (403), and a reply on a closed ticket (409), keeping nothing', async () => {
        const ticketId = await openTicket(ana);
        await expectRefused(await reply(ana, ticketId, [{ name: 'x.pdf', type: 'application/pdf', bytes: pdf() }], { message: 'psst', isInternal: 'true' }), 403, 'forbidden');
        await server.call('PATCH', `/api/v1/tickets/${ticketId}`, { token: ana.token, body: { status: 'closed' } });
        await expectRefused(await reply(ana, ticketId, [{ name: 'x.pdf', type: 'application/pdf', bytes: pdf() }]), 409, 'conflict');
        // With a key the closed check runs after the upload (a replay must still replay): still nothing kept.
        await expectRefused(await reply(ana, ticketId, [{ name: 'x.pdf', type: 'application/pdf', bytes: pdf() }], { message: 'hi' }, { 'idempotency-key': `closed-${driver}` }), 409, 'conflict');
      });
    });

    describe('downloading', () => {
      let imageId: string;
      let documentId: string;
      let textId: string;
      const image = png(40, 30);
      const document = pdf(10_000);
      const notes = Buffer.from('Plain notes: <script>alert(1)</script> stay text.\n');

      beforeAll(async () => {
        const ticketId = await openTicket(ana);
        const { body } = await reply(ana, ticketId, [
          { name: 'screen.png', type: 'image/png', bytes: image },
          { name: 'contract.pdf', type: 'application/pdf', bytes: document },
          { name: 'notes.txt', type: 'text/plain', bytes: notes },
        ]);
        [imageId, documentId, textId] = body.attachments.map((a: { id: string }) => a.id);
      });

      it('serves safe raster images inline, everything else as a download, with nosniff and a sandboxing CSP', async () => {
        const shown = await download(ana, imageId);
        expect(shown.status).toBe(200);
        expect(shown.headers.get('content-type')).toBe('image/png');
        expect(shown.headers.get('content-disposition')).toBe(`inline; filename="screen.png"; filename*=UTF-8''screen.png`);
        expect(shown.headers.get('x-content-type-options')).toBe('nosniff');
        expect(shown.headers.get('content-security-policy')).toBe("default-src 'none'; sandbox; frame-ancestors 'none'");
        expect(shown.headers.get('content-length')).toBe(String(image.length));
        expect(shown.headers.get('cache-control')).toBe('private, no-cache');
        expect(await bytesOf(shown)).toEqual(image);

        const saved = await download(ana, documentId);
        expect(saved.headers.get('content-type')).toBe('application/pdf');
        expect(saved.headers.get('content-disposition')).toMatch(/^attachment; /);
        expect(await bytesOf(saved)).toEqual(document);

        const plain = await download(ana, textId);
        expect(plain.headers.get('content-type')).toBe('text/plain; charset=utf-8');
        expect(plain.headers.get('content-disposition')).toMatch(/^attachment; /);
        expect(await bytesOf(plain)).toEqual(notes);
      });

      it('has the SHA-256 as its ETag and answers If-None-Match with 304', async () => {
        const first = await download(ana, documentId);
        expect(first.headers.get('etag')).toBe(`"${sha256(document)}"`);
        await first.arrayBuffer();
        const again = await download(ana, documentId, { 'if-none-match': `"${sha256(document)}"` });
        expect(again.status).toBe(304);
        expect(await again.text()).toBe('');
        expect((await download(ana, documentId, { 'if-none-match': '"something-else"' })).status).toBe(200);
      });

      it('serves ranges: 206 with Content-Range, suffix and open-ended ranges, 416 past the end, If-Range', async () => {
        const part = await download(ana, documentId, { range: 'bytes=100-199' });
        expect(part.status).toBe(206);
        expect(part.headers.get('content-range')).toBe(`bytes 100-199/${document.length}`);
        expect(part.headers.get('content-length')).toBe('100');
        expect(await bytesOf(part)).toEqual(document.subarray(100, 200));

        const tail = await download(ana, documentId, { range: 'bytes=-10' });
        expect(tail.status).toBe(206);
        expect(await bytesOf(tail)).toEqual(document.subarray(document.length - 10));

        const rest = await download(ana, documentId, { range: `bytes=${document.length - 5}-` });
        expect(await bytesOf(rest)).toEqual(document.subarray(document.length - 5));

        const clamped = await download(ana, documentId, { range: `bytes=0-${document.length + 1000}` });
        expect(clamped.status).toBe(206);
        expect((await bytesOf(clamped)).length).toBe(document.length);

        const beyond = await download(ana, documentId, { range: `bytes=${document.length}-` });
        expect(beyond.status).toBe(416);
        expect(beyond.headers.get('content-range')).toBe(`bytes */${document.length}`);

        const stale = await download(ana, documentId, { range: 'bytes=0-9', 'if-range': '"old"' });
        expect(stale.status).toBe(200);
        expect((await bytesOf(stale)).length).toBe(document.length);
        const fresh = await download(ana, documentId, { range: 'bytes=0-9', 'if-range': `"${sha256(document)}"` });
        expect(fresh.status).toBe(206);
        await fresh.arrayBuffer();

        const many = await download(ana, documentId, { range: 'bytes=0-1,5-6' });
        expect(many.status).toBe(200);
        await many.arrayBuffer();
      });

      it('answers HEAD with the headers and no body', async () => {
        const head = await download(ana, imageId, {}, 'HEAD');
        expect(head.status).toBe(200);
        expect(head.headers.get('content-length')).toBe(String(image.length));
        expect(await head.text()).toBe('');
      });
    });

    describe('over a real connection', () => {
      let listener: ServerType;
      let port: number;
      beforeAll(async () => {
        listener = serve({ fetch: server.app.fetch, port: 0, hostname: '127.0.0.1' });
        await new Promise<void>((resolve) => listener.once('listening', () => resolve()));
        port = (listener.address() as AddressInfo).port;
      });
      afterAll(() => new Promise<void>((resolve) => listener.close(() => resolve())));

      it('cuts off an upload far over the limit: 413 long before the client has sent it, nothing kept', async () => {
        const ticketId = await openTicket();
        const boundary = 'cutoff-boundary';
        const head = Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="message"\r\n\r\nhuge\r\n--${boundary}\r\nContent-Disposition: form-data; name="files"; filename="huge.txt"\r\nContent-Type: text/plain\r\n\r\n`);
        const chunk = text(64 * 1024);
        const total = 1024 * 1024 * 1024; // 1 GiB announced and offered
        const outcome = await new Promise<{ status?: number; sent: number; body: string }>((resolve) => {
          let sent = 0;
          let settled = false;
          const finish = (result: { status?: number; body: string }) => {
            if (settled) return;
            settled = true;
            resolve({ ...result, sent });
          };
          const request = http.request({
            host: '127.0.0.1',
            port,
            method: 'POST',
            path: `/api/v1/tickets/${ticketId}/messages`,
            headers: { authorization: `Bearer ${ana.token}`, 'content-type': `multipart/form-data; boundary=${boundary}`, 'transfer-encoding': 'chunked' },
          });
          request.on('response', (response) => {
            let body = '';
            response.on('data', (data: Buffer) => (body += data.toString()));
            response.on('end', () => finish({ status: response.statusCode!, body }));
            response.on('error', () => finish({ status: response.statusCode!, body }));
          });
          request.on('error', () => finish({ body: '' }));
          request.write(head);
          const pump = () => {
            while (!settled && sent < total) {
              sent += chunk.length;
              if (!request.write(chunk)) {
                request.once('drain', pump);
                return;
              }
            }
            if (!settled) request.end();
          };
          pump();
        });
        expect(outcome.status).toBe(413);
        expect(JSON.parse(outcome.body).error.code).toBe('payload_too_large');
        // The server stopped reading at the limit; what the client got out is that plus socket buffers.
        expect(outcome.sent).toBeLessThan(64 * 1024 * 1024);
        await expectStorageMatchesDatabase();
      });

      it('keeps nothing of an upload whose client goes away halfway', async () => {
        const ticketId = await openTicket();
        const before = await expectStorageMatchesDatabase();
        const boundary = 'abort-boundary';
        const request = http.request({
          host: '127.0.0.1',
          port,
          method: 'POST',
          path: `/api/v1/tickets/${ticketId}/messages`,
          headers: { authorization: `Bearer ${ana.token}`, 'content-type': `multipart/form-data; boundary=${boundary}`, 'content-length': String(150_000) },
        });
        request.on('error', () => {});
        request.write(`--${boundary}\r\nContent-Disposition: form-data; name="message"\r\n\r\nbye\r\n--${boundary}\r\nContent-Disposition: form-data; name="files"; filename="half.txt"\r\nContent-Type: text/plain\r\n\r\n`);
        request.write(text(100_000));
        await new Promise((resolve) => setTimeout(resolve, 200));
        request.destroy();
        // The server notices, stops, and deletes what it had stored or was still receiving (on
        // disk, the partial file in .incoming); poll until it has.
        const incoming = async () => (driver === 'disk' ? await readdir(join(diskStorageRoot(server.deps.config), '.incoming')) : []);
        let stored = -1;
        for (let attempt = 0; attempt < 40 && (stored !== before || (await incoming()).length > 0); attempt++) {
          await new Promise((resolve) => setTimeout(resolve, 50));
          const keys: string[] = [];
          for await (const object of store.list()) keys.push(object.key);
          stored = keys.length;
        }
        expect(await expectStorageMatchesDatabase()).toBe(before);
        expect(await incoming()).toEqual([]);
      });

      it('streams a download over the socket with the same bytes', async () => {
        const ticketId = await openTicket();
        const bytes = text(150_000);
        const { body } = await reply(ana, ticketId, [{ name: 'big.txt', type: 'text/plain', bytes }]);
        const response = await fetch(`http://127.0.0.1:${port}/api/v1/attachments/${body.attachments[0].id}`, { headers: { authorization: `Bearer ${ana.token}` } });
        expect(response.status).toBe(200);
        expect(sha256(Buffer.from(await response.arrayBuffer()))).toBe(sha256(bytes));
      });
    });

    it('the sweep removes files no row points at (a message the team deleted), and keeps the rest', async () => {
      const ticketId = await openTicket();
      const { body } = await reply(agent, ticketId, [{ name: 'oops.pdf', type: 'application/pdf', bytes: pdf(3) }], { message: 'Wrong file' });
      const db = server.testDb.handle.systemDb;
      const [row] = await db.select().from(ticketAttachments).where(eq(ticketAttachments.messageId, body.id));
      await db.delete(ticketMessages).where(eq(ticketMessages.id, body.id));
      expect(await db.select().from(ticketAttachments).where(eq(ticketAttachments.messageId, body.id))).toEqual([]);
      expect(await store.stat(row!.storageKey)).toBeDefined();
      // Young files are left alone (an upload may still be on its way to its row).
      expect((await sweepOrphanedAttachments(db, store)).deleted).toBe(0);
      const swept = await sweepOrphanedAttachments(db, store, { graceMs: -60_000 });
      expect(swept.deleted).toBe(1);
      expect(await store.stat(row!.storageKey)).toBeUndefined();
      await expectStorageMatchesDatabase();
    });
  });
});
