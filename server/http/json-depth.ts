/**
 * A limit on how deeply JSON may nest. A body of 1 MiB can nest a value 500,000 levels deep,
 * and code that walks values recursively (validation, fingerprints, JSON.stringify, PostgreSQL's
 * jsonb) then runs out of stack: a 500 for a client's mistake. No field of this API needs more
 * than a few levels, so anything deeper is refused as invalid before any of that code sees it.
 */
import type { Context, Next } from 'hono';
import { ApiError } from '../errors.ts';

export const maxJsonDepth = 64;

/** Whether JSON text nests arrays and objects deeper than `limit` (strings are skipped, so brackets inside them do not count). */
export function nestsDeeperThan(text: string, limit = maxJsonDepth): boolean {
  let depth = 0;
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const char = text.charCodeAt(i);
    if (inString) {
      if (char === 0x5c) i++; // backslash: skip the escaped character
      else if (char === 0x22) inString = false;
    } else if (char === 0x22) inString = true;
    else if (char === 0x5b || char === 0x7b) {
      if (++depth > limit) return true;
    } else if (char === 0x5d || char === 0x7d) depth--;
  }
  return false;
}

export function tooDeep(path: string): ApiError {
  return new ApiError('validation_failed', `JSON may nest at most ${maxJsonDepth} levels deep.`, { issues: [{ path, message: `nested more than ${maxJsonDepth} levels` }] });
}

/** Refuses JSON bodies that nest too deeply (the body is read once; later readers get it from Hono's cache). */
export const jsonDepthLimit =
  () =>
  async (c: Context, next: Next): Promise<void> => {
    if (/json/i.test(c.req.header('content-type') ?? '') && nestsDeeperThan(await c.req.text())) throw tooDeep('(body)');
    await next();
  };
