/**
 * Runs one route's fuzz: fast-check draws requests, each is sent, and every answer is held to
 * the project's rules — never a 5xx, every error in the API's error shape, nothing changed in
 * the database or the file store by a request that was refused — and the server must still
 * answer /healthz afterwards. Returns the cases tried, the statuses seen and the first failure
 * (with the seed and path that reproduce it), rather than throwing, so one run reports every
 * route.
 */
import fc from 'fast-check';
import type { FuzzRequest } from './fuzz-requests.ts';
import { snapshotDifferences, type StateReader, type StateSnapshot } from './state-snapshot.ts';

export interface RouteFuzzResult {
  label: string;
  cases: number;
  /** Requests the HTTP client itself refused to build (a header value no client can send). */
  unsendable: number;
  statuses: Map<number, number>;
  failure?: string;
}

export interface FuzzRouteOptions {
  label: string;
  requests: fc.Arbitrary<FuzzRequest>;
  send(request: Request): Promise<Response>;
  /** Where the paths are rooted: 'http://localhost/api/v1' for API routes. */
  base: string;
  state: StateReader;
  runs: number;
  seed: number;
}

function errorShapeProblem(text: string): string | undefined {
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch {
    return `the body is not JSON: ${text.slice(0, 200)}`;
  }
  const error = (body as { error?: { code?: unknown; message?: unknown; issues?: unknown } })?.error;
  if (!error || typeof error.code !== 'string' || typeof error.message !== 'string') return `not the error shape: ${text.slice(0, 300)}`;
  if (error.issues !== undefined && !Array.isArray(error.issues)) return 'error.issues is not an array';
  return undefined;
}

export async function fuzzRoute(options: FuzzRouteOptions): Promise<RouteFuzzResult> {
  const result: RouteFuzzResult = { label: options.label, cases: 0, unsendable: 0, statuses: new Map() };
  let known: StateSnapshot | undefined;

  const property = fc.asyncProperty(options.requests, async (fuzzed) => {
    result.cases += 1;
    let request: Request;
    try {
      request = new Request(`${options.base}${fuzzed.path}`, { method: fuzzed.method, headers: fuzzed.headers, ...(fuzzed.body !== undefined ? { body: fuzzed.body as BodyInit } : {}) });
    } catch {
      result.unsendable += 1;
      return;
    }
    const before = known ?? (await options.state.read());
    const response = await options.send(request);
    const text = await response.text();
    result.statuses.set(response.status, (result.statuses.get(response.status) ?? 0) + 1);
    const after = await options.state.read();
    known = after;
    const where = `${fuzzed.summary} → ${response.status}`;
    if (response.status >= 500) throw new Error(`${where}: a server error for a client's request: ${text.slice(0, 300)}`);
    // 416 is documented without a body (RFC 9110: Content-Range says why); every other error carries the shape.
    const bodiless = fuzzed.method === 'HEAD' || (response.status === 416 && text === '');
    if (response.status >= 400 && !bodiless) {
      const problem = errorShapeProblem(text);
      if (problem) throw new Error(`${where}: ${problem}`);
      if (!/^application\/json/.test(response.headers.get('content-type') ?? '')) throw new Error(`${where}: an error answered as ${response.headers.get('content-type')}`);
    }
    if (response.status >= 300) {
      const changed = snapshotDifferences(before, after);
      if (changed.length) throw new Error(`${where}: refused, yet it changed ${changed.join('; ')}`);
    }
  });

  const details = await fc.check(property, { numRuns: options.runs, seed: options.seed, endOnFailure: true });
  if (details.failed) {
    const cause = details.errorInstance instanceof Error ? details.errorInstance.message : String(details.errorInstance);
    result.failure = `${cause}\n      (FUZZ_SEED=${options.seed} path ${details.counterexamplePath}; request ${JSON.stringify(details.counterexample?.[0], (_k, v) => (typeof v === 'string' && v.length > 300 ? `${v.slice(0, 300)}…(${v.length})` : v instanceof Uint8Array ? `<${v.length} bytes>` : v))})`;
  }
  const health = await options.send(new Request(new URL('/healthz', options.base)));
  if (health.status !== 200 && !result.failure) result.failure = `/healthz answered ${health.status} after fuzzing ${options.label}`;
  return result;
}
