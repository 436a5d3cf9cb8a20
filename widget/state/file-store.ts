/**
 * A queued reply's attachments, kept in IndexedDB (localStorage cannot hold files) so they
 * survive a reload with the reply. Only the outbox writes here, and only for replies the
 * customer wrote. Where IndexedDB is missing or refused, files live in memory for the page.
 */
const databaseName = 'ticket-widget';
const storeName = 'reply-files';

let opening: Promise<IDBDatabase> | undefined;

function database(): Promise<IDBDatabase> {
  opening ??= new Promise<IDBDatabase>((resolve, reject) => {
    const request = indexedDB.open(databaseName, 1);
    request.onupgradeneeded = () => request.result.createObjectStore(storeName);
    request.onsuccess = () => resolve(request.result);
    request.onerror = () => reject(request.error);
  }).catch((error: unknown) => {
    opening = undefined;
    throw error;
  });
  return opening;
}

async function run<T>(mode: IDBTransactionMode, work: (store: IDBObjectStore) => IDBRequest<T>): Promise<T> {
  const db = await database();
  return new Promise<T>((resolve, reject) => {
    const transaction = db.transaction(storeName, mode);
    const request = work(transaction.objectStore(storeName));
    transaction.oncomplete = () => resolve(request.result);
    transaction.onerror = () => reject(transaction.error);
    transaction.onabort = () => reject(transaction.error);
  });
}

export const replyFiles = {
  save: (key: string, files: File[]): Promise<unknown> => run('readwrite', (store) => store.put(files, key)).catch(() => undefined),
  load: (key: string): Promise<File[] | undefined> => run<File[] | undefined>('readonly', (store) => store.get(key) as IDBRequest<File[] | undefined>).catch(() => undefined),
  remove: (key: string): Promise<unknown> => run('readwrite', (store) => store.delete(key)).catch(() => undefined),
};
