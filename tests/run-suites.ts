/**
 * `npm test`: the type check, then every suite, each with its own runner (the end-to-end journeys
 * last, once the widget and console are built), then one closing line
 * that adds them up. Database suites run on PGlite, and on PostgreSQL too when DATABASE_URL is
 * set (the same tests).
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

interface Tally {
  passed: number;
  failed: number;
  skipped: number;
}

const reportDir = mkdtempSync(join(tmpdir(), 'ticket-widget-tests-'));
const totals: Tally = { passed: 0, failed: 0, skipped: 0 };
let exitCode = 0;

function run(title: string, command: string, args: string[], env: Record<string, string> = {}): number {
  console.log(`\n▶ ${title}: ${command} ${args.join(' ')}`);
  const result = spawnSync(command, args, { stdio: 'inherit', env: { ...process.env, ...env } });
  return result.status ?? 1;
}

if (run('type check', 'npx', ['tsc', '-p', 'tsconfig.json']) !== 0) {
  console.error('The type check failed; fix it before the suites run.');
  process.exit(1);
}

const vitestReport = join(reportDir, 'vitest.json');
const vitestStatus = run(
  `node suites (engines: pglite${process.env.DATABASE_URL ? ' + postgres' : ''})`,
  'npx',
  ['vitest', 'run', '--reporter=default', '--reporter=json', `--outputFile.json=${vitestReport}`],
);
if (vitestStatus !== 0) exitCode = 1;
try {
  const report = JSON.parse(readFileSync(vitestReport, 'utf8')) as { numPassedTests: number; numFailedTests: number; numPendingTests: number; numTodoTests: number };
  totals.passed += report.numPassedTests;
  totals.failed += report.numFailedTests;
  totals.skipped += report.numPendingTests + report.numTodoTests;
} catch {
  console.error('vitest wrote no report; counting its run as failed.');
  totals.failed += 1;
  exitCode = 1;
}

// The widget as a host page gets it, then the browser suites (Chromium) against the real server.
const widgetBuilt = run('widget build', process.execPath, ['widget/build.ts']) === 0;
if (!widgetBuilt) {
  console.error('The widget did not build; the browser suites need it.');
  totals.failed += 1;
  exitCode = 1;
} else {
  const wtrReport = join(reportDir, 'wtr.json');
  const wtrStatus = run('browser suites (Chromium)', 'npx', ['web-test-runner'], { WTR_REPORT_FILE: wtrReport });
  if (wtrStatus !== 0) exitCode = 1;
  try {
    const report = JSON.parse(readFileSync(wtrReport, 'utf8')) as Tally;
    totals.passed += report.passed;
    totals.failed += report.failed;
    totals.skipped += report.skipped;
    if (wtrStatus !== 0 && report.failed === 0) totals.failed += 1;
  } catch {
    console.error('web-test-runner wrote no report; counting its run as failed.');
    totals.failed += 1;
    exitCode = 1;
  }
}

// Last, the demo end to end: `npm start` as a newcomer runs it, and the journeys in Chromium.
if (widgetBuilt) {
  const e2eReport = join(reportDir, 'e2e.json');
  const e2eStatus = run('end-to-end (npm start + Chromium)', 'npx', ['vitest', 'run', '-c', 'vitest.e2e.config.ts', '--reporter=default', '--reporter=json', `--outputFile.json=${e2eReport}`]);
  if (e2eStatus !== 0) exitCode = 1;
  try {
    const report = JSON.parse(readFileSync(e2eReport, 'utf8')) as { numPassedTests: number; numFailedTests: number; numPendingTests: number; numTodoTests: number };
    totals.passed += report.numPassedTests;
    totals.failed += report.numFailedTests;
    totals.skipped += report.numPendingTests + report.numTodoTests;
    if (e2eStatus !== 0 && report.numFailedTests === 0) totals.failed += 1;
  } catch {
    console.error('The end-to-end suite wrote no report; counting its run as failed.');
    totals.failed += 1;
    exitCode = 1;
  }
}

rmSync(reportDir, { recursive: true, force: true });
if (totals.passed === 0) {
  console.error('No test ran.');
  exitCode = 1;
}
console.log(`\ntests: ${totals.passed} passed, ${totals.failed} failed, ${totals.skipped} skipped`);
process.exit(exitCode);
