/**
 * The pieces of attachments that need no server: SigV4 against the specification's example,
 * type sniffing and image dimensions, name sanitizing and Content-Disposition, Range parsing,
 * the configuration, and the allow-list override end to end.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { contentDisposition, sanitizeFileName } from '../../server/attachments/names.ts';
import { completeUtf8Length, JpegSizeProbe, sniff } from '../../server/attachments/sniff.ts';
import { declaredTypeAgrees, normalizeDeclaredType } from '../../server/attachments/types.ts';
import { ConfigError, loadConfig } from '../../server/config.ts';
import { parseRange } from '../../server/routes/attachments.ts';
import { canonicalQuery, emptyPayloadHash, encodePath, signRequest } from '../../server/storage/sigv4.ts';
import { bareSvg, docx, form, gif, html, jpeg, odt, pdf, png, svgWithScript, webp, xlsx, zip } from '../support/attachment-files.ts';
import { startTestServer, type TestServer } from '../support/test-server.ts';

describe('SigV4', () => {
  it("signs the specification's GET Object example exactly", () => {
    // "Example: GET Object", Authenticating Requests (AWS Signature Version 4), Amazon S3 API Reference.
    const headers = signRequest({
      method: 'GET',
      host: 'examplebucket.s3.amazonaws.com',
      path: '/test.txt',
      query: '',
      headers: { Range: 'bytes=0-9' },
      payloadHash: emptyPayloadHash,
      region: 'us-east-1',
      credentials: { accessKeyId: 'AKIAIOSFODNN7EXAMPLE', secretAccessKey: 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY' },
      now: new Date('2013-05-24T00:00:00Z'),
    });
    expect(headers.authorization).toBe(
      'AWS4-HMAC-SHA256 Credential=AKIAIOSFODNN7EXAMPLE/20130524/us-east-1/s3/aws4_request, SignedHeaders=host;range;x-amz-content-sha256;x-amz-date, Signature=f0e8bdb87c964420e857bd35b5d6ed310bd44f0170aba48dd91039c6036bdb41',
    );
    expect(headers['x-amz-date']).toBe('20130524T000000Z');
  });

  it('encodes paths and queries the RFC 3986 way', () => {
    expect(encodePath(['my bucket', "a+b(c)!*'.txt"])).toBe('/my%20bucket/a%2Bb%28c%29%21%2A%27.txt');
    expect(canonicalQuery({ prefix: 'attachments/', 'list-type': '2', 'continuation-token': 'a=b c' })).toBe('continuation-token=a%3Db%20c&list-type=2&prefix=attachments%2F');
  });
});

describe('sniffing', () => {
  const hints = { declared: '', name: 'file' };
  it('recognises each accepted type from its bytes, with image dimensions', () => {
    expect(sniff(png(640, 480), true, hints)).toEqual({ type: 'image/png', width: 640, height: 480 });
    expect(sniff(gif(3, 7), true, hints)).toEqual({ type: 'image/gif', width: 3, height: 7 });
    expect(sniff(webp(4000, 3000), true, hints)).toEqual({ type: 'image/webp', width: 4000, height: 3000 });
    expect(sniff(jpeg(10, 10), true, hints).type).toBe('image/jpeg');
    expect(sniff(pdf(), true, hints).type).toBe('application/pdf');
    expect(sniff(docx(), true, hints).type).toBe('application/vnd.openxmlformats-officedocument.wordprocessingml.document');
    expect(sniff(xlsx(), true, hints).type).toBe('application/vnd.openxmlformats-officedocument.spreadsheetml.sheet');
    expect(sniff(odt(), true, hints).type).toBe('application/vnd.oasis.opendocument.text');
    expect(sniff(zip([{ name: 'a.txt', data: 'a' }]), true, hints).type).toBe('application/zip');
    expect(sniff(Buffer.from([0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1, 0, 0]), true, { declared: '', name: 'old.xls' }).type).toBe('application/vnd.ms-excel');
    expect(sniff(Buffer.from('a,b\n1,2\n'), true, { declared: '', name: 'data.csv' }).type).toBe('text/csv');
    expect(sniff(Buffer.from('héllo wörld\n'), true, hints).type).toBe('text/plain');
  });

  it('calls markup markup, binary binary, and broken UTF-8 not text', () => {
    expect(sniff(html, true, hints).type).toBe('text/html');
    expect(sniff(svgWithScript, true, hints).type).toBe('image/svg+xml');
    expect(sniff(bareSvg, true, hints).type).toBe('image/svg+xml');
    expect(sniff(Buffer.from('<?xml version="1.0"?><note/>'), true, hints).type).toBe('application/xml');
    expect(sniff(Buffer.from('<!-- a comment --> then text'), true, hints).type).toBe('text/html');
    expect(sniff(Buffer.from('<p>hi</p>'), true, hints).type).toBe('text/html');
    expect(sniff(Buffer.from('<3 this product'), true, hints).type).toBe('text/plain');
    expect(sniff(Buffer.from([0x68, 0x69, 0x00]), true, hints).type).toBe('application/octet-stream');
    expect(sniff(Buffer.from([0x68, 0xc3]), true, hints).type).toBe('application/octet-stream');
    // A cut in the middle of a character is not an error when more is coming.
    expect(sniff(Buffer.from([0x68, 0xc3]), false, hints).type).toBe('text/plain');
  });

  it('finds where whole UTF-8 characters end in a chunk', () => {
    const euro = Buffer.from('a€', 'utf8'); // 61 e2 82 ac
    expect(completeUtf8Length(euro)).toBe(4);
    expect(completeUtf8Length(euro.subarray(0, 3))).toBe(1);
    expect(completeUtf8Length(euro.subarray(0, 2))).toBe(1);
    expect(completeUtf8Length(Buffer.from('abc'))).toBe(3);
  });

  it('reads JPEG dimensions past large segments, a byte at a time', () => {
    const bytes = jpeg(1920, 1080, 150_000);
    const probe = new JpegSizeProbe();
    for (let i = 0; i < bytes.length && probe.width === undefined; i++) probe.push(bytes.subarray(i, i + 1));
    expect([probe.width, probe.height]).toEqual([1920, 1080]);
  });

  it('reads declared types the way browsers send them', () => {
    expect(normalizeDeclaredType('IMAGE/JPG; name=x')).toBe('image/jpeg');
    expect(normalizeDeclaredType('application/octet-stream')).toBe('');
    expect(normalizeDeclaredType(undefined)).toBe('');
    expect(declaredTypeAgrees('application/vnd.ms-excel', 'text/csv')).toBe(true);
    expect(declaredTypeAgrees('text/markdown', 'text/plain')).toBe(true);
    expect(declaredTypeAgrees('text/html', 'text/plain')).toBe(false);
    expect(declaredTypeAgrees('application/zip', 'application/vnd.openxmlformats-officedocument.wordprocessingml.document')).toBe(true);
    expect(declaredTypeAgrees('image/png', 'image/jpeg')).toBe(false);
  });
});

describe('names', () => {
  it.each([
    ['../../etc/passwd', 'text/plain', 'passwd.txt'],
    ['C:\\Users\\ana\\Desktop\\report.pdf', 'application/pdf', 'report.pdf'],
    ['invoice\u202Efdp.exe', 'application/pdf', 'invoicefdp.exe.pdf'],
    ['\u2067photo\u2069.png', 'image/png', 'photo.png'],
    ['bad\r\nname\u0000.txt', 'text/plain', 'badname.txt'],
    ['page.html', 'text/plain', 'page.html.txt'],
    ['...hidden', 'text/plain', 'hidden.txt'],
    ['trailing. . .', 'application/pdf', 'trailing.pdf'],
    ['a<b>c:d"e|f?g*h.png', 'image/png', 'a_b_c_d_e_f_g_h.png'],
    ['nul.txt', 'text/plain', '_nul.txt'],
    ['', 'image/png', 'file.png'],
    ['..', 'application/pdf', 'file.pdf'],
    ['PHOTO.JPEG', 'image/jpeg', 'PHOTO.JPEG'],
    ['cafe\u0301.txt', 'text/plain', 'café.txt'],
  ])('%j as %s is %j', (raw, type, expected) => {
    expect(sanitizeFileName(raw, type)).toBe(expected);
  });

  it('bounds the length, keeping the extension', () => {
    const name = sanitizeFileName(`${'𝒜'.repeat(300)}.pdf`, 'application/pdf');
    expect([...name]).toHaveLength(180);
    expect(name.endsWith('.pdf')).toBe(true);
  });

  it('writes Content-Disposition with an ASCII fallback and the exact UTF-8 name (RFC 6266/5987)', () => {
    expect(contentDisposition('inline', 'cat.png')).toBe(`inline; filename="cat.png"; filename*=UTF-8''cat.png`);
    expect(contentDisposition('attachment', 'naïve "quote" (1)*.pdf')).toBe(`attachment; filename="naive _quote_ (1)*.pdf"; filename*=UTF-8''na%C3%AFve%20%22quote%22%20%281%29%2A.pdf`);
    expect(contentDisposition('attachment', '報告.pdf')).toBe(`attachment; filename="file.pdf"; filename*=UTF-8''%E5%A0%B1%E5%91%8A.pdf`);
  });
});

describe('Range', () => {
  it.each([
    ['bytes=0-9', { start: 0, end: 9 }],
    ['bytes=90-', { start: 90, end: 99 }],
    ['bytes=-10', { start: 90, end: 99 }],
    ['bytes=-500', { start: 0, end: 99 }],
    ['bytes=50-500', { start: 50, end: 99 }],
    ['bytes=100-', 'unsatisfiable'],
    ['bytes=-0', 'unsatisfiable'],
    ['bytes=9-0', undefined],
    ['bytes=0-1,4-5', undefined],
    ['items=0-1', undefined],
    ['bytes=-', undefined],
  ] as const)('%s of 100 bytes', (header, expected) => {
    expect(parseRange(header, 100)).toEqual(expected);
  });
});

describe('configuration', () => {
  it('has attachment defaults: disk, 10 MiB per file, 10 files, 25 MiB per request, every recognised type', () => {
    const config = loadConfig({});
    expect(config).toMatchObject({ STORAGE: 'disk', S3_REGION: 'us-east-1', ATTACHMENT_MAX_FILE_BYTES: 10 * 1024 * 1024, ATTACHMENT_MAX_FILES: 10, ATTACHMENT_MAX_REQUEST_BYTES: 25 * 1024 * 1024 });
    expect(config.attachmentTypes).toContain('image/png');
    expect(config.attachmentTypes).toContain('application/vnd.openxmlformats-officedocument.wordprocessingml.document');
    expect(config.attachmentTypes).not.toContain('image/svg+xml');
  });

  it('needs the bucket and keys with STORAGE=s3, and refuses types it cannot recognise', () => {
    const message = (env: Record<string, string>) => {
      try {
        loadConfig(env);
      } catch (error) {
        expect(error).toBeInstanceOf(ConfigError);
        return (error as Error).message;
      }
      return 'accepted';
    };
    const s3 = message({ STORAGE: 's3' });
    for (const name of ['S3_BUCKET', 'S3_ACCESS_KEY_ID', 'S3_SECRET_ACCESS_KEY']) expect(s3).toContain(name);
    expect(message({ STORAGE: 'ftp' })).toContain('STORAGE');
    expect(message({ ATTACHMENT_TYPES: 'image/png,image/svg+xml' })).toContain('ATTACHMENT_TYPES');
    expect(message({ ATTACHMENT_MAX_FILES: '0' })).toContain('ATTACHMENT_MAX_FILES');
    expect(message({ ATTACHMENT_MAX_FILE_BYTES: 'ten' })).toContain('ATTACHMENT_MAX_FILE_BYTES');
    expect(message({ S3_BUCKET: 'Not_A_Bucket' })).toContain('S3_BUCKET');
    expect(loadConfig({ ATTACHMENT_TYPES: ' image/PNG , application/pdf ' }).attachmentTypes).toEqual(['image/png', 'application/pdf']);
    const withEndpoint = loadConfig({ STORAGE: 's3', S3_ENDPOINT: 'http://127.0.0.1:9000', S3_BUCKET: 'files', S3_ACCESS_KEY_ID: 'k', S3_SECRET_ACCESS_KEY: 's' });
    expect(withEndpoint.S3_FORCE_PATH_STYLE).toBeUndefined();
  });
});

describe('the allow-list override', () => {
  let server: TestServer;
  let dataDir: string;
  beforeAll(async () => {
    dataDir = await mkdtemp(join(tmpdir(), 'tw-types-'));
    server = await startTestServer('pglite', { DATA_DIR: dataDir, ATTACHMENT_TYPES: 'image/png,text/plain' });
  });
  afterAll(async () => {
    await server?.close();
    await rm(dataDir, { recursive: true, force: true });
  });

  it('refuses a PDF when only PNG and text are allowed, and takes a PNG', async () => {
    const ana = await server.customer();
    const opened = await server.call('POST', '/api/v1/tickets', { token: ana.token, body: { title: 'T', description: 'D' } });
    const send = async (name: string, type: string, bytes: Buffer) =>
      server.app.request(`/api/v1/tickets/${opened.body.id}/messages`, { method: 'POST', headers: { authorization: `Bearer ${ana.token}` }, body: form({ message: 'x' }, [{ name, type, bytes }]) });
    const refused = await send('a.pdf', 'application/pdf', pdf());
    expect(refused.status).toBe(415);
    expect((await refused.json()).error.message).toContain('Accepted: image/png, text/plain');
    expect((await send('a.png', 'image/png', png(1, 1))).status).toBe(201);
  });

  it('documents multipart bodies and the download route in the OpenAPI document, and still refuses url-encoded forms', async () => {
    const { body } = await server.call('GET', '/api/v1/openapi.json');
    for (const path of ['/tickets', '/tickets/{id}/messages']) {
      expect(Object.keys(body.paths[path].post.requestBody.content).sort()).toEqual(['application/json', 'multipart/form-data']);
      expect(body.paths[path].post.responses).toHaveProperty('413');
      expect(body.paths[path].post.responses).toHaveProperty('415');
    }
    expect(body.paths['/attachments/{id}'].get.responses).toHaveProperty('206');
    const ana = await server.customer();
    const urlEncoded = await server.call('POST', '/api/v1/tickets', { token: ana.token, body: 'title=x&description=y', headers: { 'content-type': 'application/x-www-form-urlencoded' } });
    expect(urlEncoded.status).toBe(415);
  });
});
