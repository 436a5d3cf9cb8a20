/**
 * `npm test`: the type check, then every suite, each with its own runner, then one closing line
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

function run(title: string, command: string, args: string[]): number {
  console.log(`\n▶ ${title}: ${command} ${args.join(' ')}`);
  const result = spawnSync(command, args, { stdio: 'inherit', env: process.env });
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

rmSync(reportDir, { recursive: true, force: true });
if (totals.passed === 0) {
  console.error('No test ran.');
  exitCode = 1;
}
console.log(`\ntests: ${totals.passed} passed, ${totals.failed} failed, ${totals.skipped} skipped`);
process.exit(exitCode);
