/**
 * Hostile input over every HTTP route, property-based (fast-check): the API's routes read from
 * its own live OpenAPI document (a new route is fuzzed without a change here), plus the routes
 * outside it (health, readiness, widget files, the docs page and document, the live endpoint
 * without an upgrade). Every answer: never a 5xx, every error in the error shape, nothing
 * changed by a refused request (database tables and attachment files, compared before and
 * after each request), and /healthz still answering.
 *
 * FUZZ_SEED reproduces a run (the seed is printed), FUZZ_RUNS sets the cases per route;
 * SOAK=1 (npm run test:soak) runs many more.
 */
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { enginesUnderTest } from '../support/test-database.ts';
import { startTestServer, type TestServer } from '../support/test-server.ts';
import { requestsFor } from './support/fuzz-requests.ts';
import { fuzzRoute, type RouteFuzzResult } from './support/fuzz-runner.ts';
import { buildFuzzWorld, type FuzzWorld } from './support/fuzz-world.ts';
import { routesFromOpenApi, type FuzzRoute } from './support/openapi-routes.ts';
import { createStateReader, type StateReader } from './support/state-snapshot.ts';

/** Fixed, so every `npm test` tries the same cases; a soak draws new ones. Printed either way. */
const seed = Number(process.env.FUZZ_SEED ?? (process.env.SOAK === '1' ? Date.now() % 1_000_000_000 : 20261124));
const runs = Number(process.env.FUZZ_RUNS ?? (process.env.SOAK === '1' ? 300 : 40));

/** The widget build's real chunk names (when it is built), so chunk requests can hit real files. */
function chunkNames(bundle: string): string[] {
  try {
    return readdirSync(join('dist', 'widget', bundle, 'assets')).filter((name) => name.endsWith('.js'));
  } catch {
    return [];
  }
}
const chunkParameter = (bundle: string) => ({
  name: 'chunk',
  in: 'path' as const,
  required: true,
  schema: { anyOf: [{ type: 'string', pattern: '^[A-Za-z0-9_-]{1,12}\\.js$' }, ...(chunkNames(bundle).length ? [{ enum: chunkNames(bundle) }] : [])] },
});

/** Routes outside the OpenAPI document, rooted at the server's origin. */
const outsideRoutes: FuzzRoute[] = [
  { method: 'GET', template: '/healthz', parameters: [], bodies: {}, public: true },
  { method: 'GET', template: '/readyz', parameters: [], bodies: {}, public: true },
  { method: 'GET', template: '/widget.js', parameters: [], bodies: {}, public: true },
  { method: 'GET', template: '/console.js', parameters: [], bodies: {}, public: true },
  { method: 'GET', template: '/widget/assets/{chunk}', parameters: [chunkParameter('widget')], bodies: {}, public: true },
  { method: 'GET', template: '/console/assets/{chunk}', parameters: [chunkParameter('console')], bodies: {}, public: true },
  { method: 'GET', template: '/api/v1/openapi.json', parameters: [], bodies: {}, public: true },
  { method: 'GET', template: '/api/v1/docs', parameters: [], bodies: {}, public: true },
  { method: 'GET', template: '/api/v1/live', parameters: [], bodies: {}, public: true },
  { method: 'GET', template: '/{anything}', parameters: [{ name: 'anything', in: 'path', required: true, schema: { type: 'string' } }], bodies: {}, public: true },
];

describe.each(enginesUnderTest)('fuzzing every HTTP route on %s', (engine) => {
  let server: TestServer;
  let world: FuzzWorld;
  let state: StateReader;
  let apiRoutes: FuzzRoute[];
  const dataDir = mkdtempSync(join(tmpdir(), 'tw-fuzz-'));

  beforeAll(async () => {
    server = await startTestServer(engine, {
      DATA_DIR: dataDir,
      GUEST_MODE: 'true',
      RATE_LIMIT_MESSAGES_PER_MINUTE: '1000000',
      RATE_LIMIT_TICKETS_PER_HOUR: '1000000',
      RATE_LIMIT_GUEST_SESSIONS_PER_HOUR: '1000000',
      ATTACHMENT_MAX_FILE_BYTES: '100000',
      ATTACHMENT_MAX_REQUEST_BYTES: '300000',
    });
    world = await buildFuzzWorld(server);
    state = await createStateReader(server.testDb.handle.systemDb, join(dataDir, 'attachments'));
    const document = await server.call('GET', '/api/v1/openapi.json');
    apiRoutes = routesFromOpenApi(document.body);
  }, 120_000);
  afterAll(async () => {
    await server?.close();
    rmSync(dataDir, { recursive: true, force: true });
  });

  it(
    'answers every request without a 5xx, in the error shape, changing nothing when it refuses',
    async () => {
      expect(apiRoutes.length).toBeGreaterThan(20);
      const send = (request: Request) => Promise.resolve(server.app.request(request));
      const results: RouteFuzzResult[] = [];
      const startedAt = Date.now();
      for (const [routes, base] of [
        [apiRoutes, 'http://localhost/api/v1'],
        [outsideRoutes, 'http://localhost'],
      ] as const) {
        for (const route of routes) {
          const label = `${route.method} ${base.endsWith('/api/v1') ? '/api/v1' : ''}${route.template}`;
          results.push(await fuzzRoute({ label, requests: requestsFor(route, world), send, base, state, runs, seed }));
        }
      }
      const total = results.reduce((n, r) => n + r.cases, 0);
      const failures = results.filter((r) => r.failure);
      console.log(
        [
          `fuzz on ${engine}: seed ${seed} (FUZZ_SEED=${seed} repeats it), ${runs} cases per route, ${results.length} routes, ${total} cases in ${((Date.now() - startedAt) / 1000).toFixed(1)} s`,
          ...results.map((r) => `  ${r.label.padEnd(48)} ${String(r.cases).padStart(5)} cases  ${[...r.statuses].sort(([a], [b]) => a - b).map(([s, n]) => `${s}×${n}`).join(' ')}${r.unsendable ? `  (${r.unsendable} unsendable)` : ''}${r.failure ? '  FAILED' : ''}`),
          ...failures.map((r) => `  ✗ ${r.label}: ${r.failure}`),
        ].join('\n'),
      );
      expect(failures.map((r) => `${r.label}: ${r.failure}`)).toEqual([]);
    },
    process.env.SOAK === '1' ? 1_800_000 : 240_000,
  );
});
