/**
 * Multipart POSTs with upload progress, which fetch cannot report: XMLHttpRequest, wrapped in a
 * promise, answering like the JSON calls (the parsed body, or an ApiFailure).
 */
import { ApiFailure, failureFrom, networkFailure } from './api-failure.ts';

export interface UploadOptions {
  url: string;
  token: string;
  body: FormData;
  idempotencyKey?: string;
  /** Bytes of the request body sent so far, of the total. */
  onProgress?: (loaded: number, total: number) => void;
  signal?: AbortSignal;
}

export function postMultipart<T>({ url, token, body, idempotencyKey, onProgress, signal }: UploadOptions): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const request = new XMLHttpRequest();
    request.open('POST', url);
    request.setRequestHeader('Authorization', `Bearer ${token}`);
    if (idempotencyKey) request.setRequestHeader('Idempotency-Key', idempotencyKey);
    request.upload.onprogress = (event) => onProgress?.(event.loaded, event.lengthComputable ? event.total : 0);
    request.onload = () => {
      if (request.status >= 200 && request.status < 300) {
        try {
          resolve(JSON.parse(request.responseText) as T);
        } catch (error) {
          reject(new ApiFailure(request.status, 'internal', error instanceof Error ? error.message : 'unreadable answer'));
        }
      } else {
        reject(failureFrom(request.status, request.responseText, request.getResponseHeader('Retry-After')));
      }
    };
    request.onerror = () => reject(networkFailure());
    request.ontimeout = () => reject(networkFailure());
    request.onabort = () => reject(new DOMException('The upload was cancelled.', 'AbortError'));
    signal?.addEventListener('abort', () => request.abort(), { once: true });
    request.send(body);
  });
}
