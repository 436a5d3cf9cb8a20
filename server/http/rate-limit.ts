/**
 * Fixed-window rate limits per key, in this instance's memory. With several instances each
 * enforces its own window, so the effective limit is at most N times the configured one.
 */
import { ApiError } from '../errors.ts';

export interface RateLimiter {
  /** Counts one request for `key`; throws `rate_limited` (429, Retry-After) past the limit. */
  take(key: string): void;
}

export function createRateLimiter(options: { limit: number; windowMs: number; what: string; now?: () => number }): RateLimiter {
  const now = options.now ?? Date.now;
  const windows = new Map<string, { startedAt: number; count: number }>();
  let lastSweep = now();
  return {
    take(key) {
      const at = now();
      if (at - lastSweep > options.windowMs) {
        for (const [k, w] of windows) if (at - w.startedAt >= options.windowMs) windows.delete(k);
        lastSweep = at;
      }
      let window = windows.get(key);
      if (!window || at - window.startedAt >= options.windowMs) {
        window = { startedAt: at, count: 0 };
        windows.set(key, window);
      }
      window.count += 1;
      if (window.count > options.limit) {
        const retryAfter = Math.max(1, Math.ceil((window.startedAt + options.windowMs - at) / 1000));
        throw new ApiError('rate_limited', `Too many ${options.what}; try again in ${retryAfter} s.`, { headers: { 'Retry-After': String(retryAfter) } });
      }
    },
  };
}
