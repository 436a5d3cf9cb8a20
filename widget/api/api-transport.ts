/**
 * The way to the server that the widget's and the console's API modules build on: the typed
 * `hc<ApiType>` client (types only; nothing of the server is bundled), `call` that turns any
 * response into its parsed body or an ApiFailure (a 401 asks the token source for a new token and
 * tries once more), multipart `upload` with progress, and `attachment` bytes (they need the token,
 * so they cannot be plain links).
 */
import { hc } from 'hono/client';
import type { ApiType } from '../../server/app.ts';
import { ApiFailure, failureFrom, networkFailure } from './api-failure.ts';
import type { TokenSource } from './token-source.ts';
import type { ApiClient } from './types.ts';
import { postMultipart } from './upload.ts';

export interface UploadProgress {
  (loaded: number, total: number): void;
}

export interface ApiTransport {
  /** The API's base URL, `<server>/api/v1`. */
  readonly base: string;
  /** The typed client; wrap each request in `call`. */
  readonly client: ApiClient;
  call<T>(request: () => Promise<Response>): Promise<T>;
  upload<T>(path: string, body: FormData, idempotencyKey: string, onProgress?: UploadProgress): Promise<T>;
  attachment(id: string, signal?: AbortSignal): Promise<Blob>;
}

export function createApiTransport(server: string, tokens: TokenSource): ApiTransport {
  const base = `${server.replace(/\/+$/, '')}/api/v1`;
  const client = hc<ApiType>(base, { headers: async (): Promise<Record<string, string>> => ({ authorization: `Bearer ${await tokens.get()}` }) });

  async function call<T>(request: () => Promise<Response>, retried = false): Promise<T> {
    let response: Response;
    try {
      response = await request();
    } catch (error) {
      if (error instanceof DOMException && error.name === 'AbortError') throw error;
      if (error instanceof Error && error.name === 'NoIdentity') throw error;
      throw networkFailure(error);
    }
    if (response.ok) return (response.status === 204 ? undefined : await response.json()) as T;
    const failure = failureFrom(response.status, await response.text().catch(() => ''), response.headers.get('Retry-After'));
    if (failure.status === 401 && !retried && tokens.kind === 'provider') {
      tokens.invalidate();
      return call(request, true);
    }
    throw failure;
  }

  async function upload<T>(path: string, body: FormData, idempotencyKey: string, onProgress?: UploadProgress, retried = false): Promise<T> {
    try {
      return await postMultipart<T>({ url: `${base}${path}`, token: await tokens.get(), body, idempotencyKey, ...(onProgress ? { onProgress } : {}) });
    } catch (error) {
      if (error instanceof ApiFailure && error.status === 401 && !retried && tokens.kind === 'provider') {
        tokens.invalidate();
        return upload(path, body, idempotencyKey, onProgress, true);
      }
      throw error;
    }
  }

  async function attachment(id: string, signal?: AbortSignal): Promise<Blob> {
    const response = await fetch(`${base}/attachments/${encodeURIComponent(id)}`, {
      headers: { authorization: `Bearer ${await tokens.get()}` },
      ...(signal ? { signal } : {}),
    }).catch((error: unknown) => {
      throw error instanceof DOMException && error.name === 'AbortError' ? error : networkFailure(error);
    });
    if (!response.ok) throw failureFrom(response.status, await response.text().catch(() => ''), response.headers.get('Retry-After'));
    return response.blob();
  }

  return { base, client, call, upload: (path, body, key, onProgress) => upload(path, body, key, onProgress), attachment };
}
