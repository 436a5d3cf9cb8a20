/**
 * A real S3-compatible server on loopback for the S3 driver's tests: @20minutes/s3rver (npm, the
 * maintained fork of s3rver, for Node 24), which verifies AWS Signature V4 on every signed
 * request, keeps objects on disk in a temporary directory, and supports Range, HEAD, DELETE and
 * ListObjectsV2. Started by the tests, in their process, and stopped after them.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import S3rver from '@20minutes/s3rver';

/** s3rver's fixed credentials. */
export const s3TestCredentials = { accessKeyId: 'S3RVER', secretAccessKey: 'S3RVER' };

export interface S3TestServer {
  endpoint: string;
  bucket: string;
  region: string;
  /** The server settings as environment variables, for loadConfig. */
  env: Record<string, string>;
  close(): Promise<void>;
}

export async function startS3TestServer(bucket = 'ticket-widget-test'): Promise<S3TestServer> {
  const directory = await mkdtemp(join(tmpdir(), 'tw-s3-'));
  const server = new S3rver({ address: '127.0.0.1', port: 0, directory, silent: true, configureBuckets: [{ name: bucket }] });
  const { port } = await server.run();
  const endpoint = `http://127.0.0.1:${port}`;
  return {
    endpoint,
    bucket,
    region: 'us-east-1',
    env: {
      STORAGE: 's3',
      S3_ENDPOINT: endpoint,
      S3_REGION: 'us-east-1',
      S3_BUCKET: bucket,
      S3_ACCESS_KEY_ID: s3TestCredentials.accessKeyId,
      S3_SECRET_ACCESS_KEY: s3TestCredentials.secretAccessKey,
    },
    async close() {
      await server.close();
      await rm(directory, { recursive: true, force: true });
    },
  };
}
