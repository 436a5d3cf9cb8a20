/**
 * The attachment store the configuration names: STORAGE=disk (default) keeps files under
 * `$DATA_DIR/attachments`; STORAGE=s3 keeps them in S3_BUCKET under `attachments/`. One store
 * per configuration, made on first use.
 */
import { resolve } from 'node:path';
import type { Config } from '../config.ts';
import { createDiskStorage } from './disk.ts';
import { createS3Storage } from './s3.ts';
import type { AttachmentStorage } from './types.ts';

export * from './types.ts';

export function createStorage(config: Config): AttachmentStorage {
  if (config.STORAGE === 's3') {
    return createS3Storage({
      endpoint: config.S3_ENDPOINT,
      region: config.S3_REGION,
      bucket: config.S3_BUCKET!,
      credentials: { accessKeyId: config.S3_ACCESS_KEY_ID!, secretAccessKey: config.S3_SECRET_ACCESS_KEY! },
      forcePathStyle: config.S3_FORCE_PATH_STYLE ?? Boolean(config.S3_ENDPOINT),
      spoolDir: resolve(config.DATA_DIR, 'tmp', 'uploads'),
    });
  }
  return createDiskStorage(diskStorageRoot(config));
}

export function diskStorageRoot(config: Config): string {
  return resolve(config.DATA_DIR, 'attachments');
}

const stores = new WeakMap<Config, AttachmentStorage>();

/** The store for this configuration (the same object every time). */
export function storageFor(config: Config): AttachmentStorage {
  let store = stores.get(config);
  if (!store) {
    store = createStorage(config);
    stores.set(config, store);
  }
  return store;
}
