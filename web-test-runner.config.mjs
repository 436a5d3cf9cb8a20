/**
 * The browser suites (`npx wtr`): tests/widget/*.test.ts in Debian's Chromium (CHROME_PATH, or
 * /usr/bin/chromium; no test tool downloads a browser), against the real server, which this
 * config starts on a database of its own (tests/widget/support/api-server.ts). One browser at a
 * time: some tests stop and restart that server.
 */
import { writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { defaultReporter } from '@web/test-runner';
import { esbuildPlugin } from '@web/dev-server-esbuild';
import { chromeLauncher } from '@web/test-runner-chrome';
import { startWidgetTestServer } from './tests/widget/support/api-server.ts';
import { buildWidget } from './widget/build.ts';

/** A free port for the test runner's own server, so the API can allow exactly its origin. */
const freePort = () =>
  new Promise((resolve, reject) => {
    const probe = createServer();
    probe.once('error', reject);
    probe.listen(0, '127.0.0.1', () => {
      const { port } = probe.address();
      probe.close(() => resolve(port));
    });
  });

const hostname = '127.0.0.1';
const port = Number(process.env.WTR_PORT) || (await freePort());

/** Builds the widget, starts the API with the runner, and answers the tests' `api:*` commands. */
function ticketApiPlugin() {
  let api;
  return {
    name: 'ticket-api',
    async serverStart() {
      // The strict-CSP page and the asset tests load the widget as built: build it from the sources under test.
      await buildWidget();
      api = await startWidgetTestServer({ allowedOrigin: `http://${hostname}:${port}` });
    },
    async serverStop() {
      await api?.close();
    },
    async executeCommand({ command, payload }) {
      if (!command.startsWith('api:')) return undefined;
      return api.command(command, payload);
    },
  };
}

/** Counts for `npm test`'s closing line, written where WTR_REPORT_FILE says (if it does). */
function countsReporter() {
  return {
    stop({ sessions }) {
      const file = process.env.WTR_REPORT_FILE;
      if (!file) return;
      const totals = { passed: 0, failed: 0, skipped: 0 };
      const add = (suite) => {
        for (const test of suite.tests) totals[test.skipped ? 'skipped' : test.passed ? 'passed' : 'failed'] += 1;
        for (const child of suite.suites) add(child);
      };
      for (const session of sessions) {
        const before = totals.passed + totals.failed + totals.skipped;
        if (session.testResults) add(session.testResults);
        // A file that failed to load (or crashed) has no tests to count: count it as one failure.
        if (!session.passed && totals.passed + totals.failed + totals.skipped === before) totals.failed += 1;
        else if (!session.passed && session.errors?.length) totals.failed += 1;
      }
      writeFileSync(file, JSON.stringify(totals));
    },
  };
}

export default {
  files: ['tests/widget/**/*.test.ts'],
  hostname,
  port,
  nodeResolve: { exportConditions: ['production'] },
  concurrency: 1,
  concurrentBrowsers: 1,
  testsFinishTimeout: 600_000,
  browserStartTimeout: 60_000,
  testFramework: { config: { timeout: 20_000 } },
  reporters: [defaultReporter(), countsReporter()],
  plugins: [esbuildPlugin({ ts: true, target: 'es2022', tsconfig: 'tsconfig.json' }), ticketApiPlugin()],
  browsers: [
    chromeLauncher({
      launchOptions: {
        executablePath: process.env.CHROME_PATH || '/usr/bin/chromium',
        headless: true,
        args: ['--headless=new', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--disable-dev-shm-usage'],
      },
    }),
  ],
};
