/**
 * `npm run bench:widget`: builds the widget and the console (`--no-build` reads dist/widget as it
 * is) and prints the bytes of every file a host page can load from each, the widget's first
 * script, the totals, and whether they keep to the budgets (widget: first script ≤ 12 KB gzip,
 * everything ≤ 35 KB gzip; console: everything ≤ 60 KB gzip). Totals count every locale, though a
 * page only ever loads its own. Exits 1 on a miss.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { brotliCompressSync, constants, gzipSync } from 'node:zlib';
import { buildWidget } from '../../widget/build.ts';
import { widgetOutDir } from '../../widget/vite.config.ts';

const firstScriptBudgetGzip = 12 * 1024;
const totalBudgetGzip = 35 * 1024;
const consoleBudgetGzip = 60 * 1024;

interface FileSize {
  /** The URL path a host loads it from. */
  path: string;
  raw: number;
  gzip: number;
  brotli: number;
}

interface WidgetSizes {
  files: FileSize[];
  first: FileSize;
  total: Omit<FileSize, 'path'>;
}

function walk(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? walk(path) : [path];
  });
}

/** The console's files: its entry and its chunks (the rest of dist/widget is the widget's). */
const isConsoleFile = (urlPath: string) => urlPath === '/console.js' || urlPath.startsWith('/console/');

function measureFiles(distDir: string, bundle: 'widget' | 'console'): FileSize[] {
  return walk(distDir)
    .filter((path) => path.endsWith('.js'))
    .map((path): FileSize => {
      const bytes = readFileSync(path);
      return {
        path: `/${relative(distDir, path).split('\\').join('/')}`,
        raw: bytes.length,
        gzip: gzipSync(bytes, { level: 9 }).length,
        brotli: brotliCompressSync(bytes, { params: { [constants.BROTLI_PARAM_QUALITY]: 11, [constants.BROTLI_PARAM_SIZE_HINT]: bytes.length } }).length,
      };
    })
    .filter((file) => isConsoleFile(file.path) === (bundle === 'console'))
    .sort((a, b) => (a.path === `/${bundle}.js` ? -1 : b.path === `/${bundle}.js` ? 1 : a.path.localeCompare(b.path)));
}

const sum = (files: FileSize[]) => files.reduce((total, file) => ({ raw: total.raw + file.raw, gzip: total.gzip + file.gzip, brotli: total.brotli + file.brotli }), { raw: 0, gzip: 0, brotli: 0 });

function measureWidget(distDir: string): WidgetSizes {
  const files = measureFiles(distDir, 'widget');
  const first = files.find((file) => file.path === '/widget.js');
  if (!first) throw new Error(`No widget.js in ${distDir}: build the widget first (npm run build).`);
  return { files, first, total: sum(files) };
}

if (!process.argv.includes('--no-build')) await buildWidget();
const { files, first, total } = measureWidget(widgetOutDir);
const consoleFiles = measureFiles(widgetOutDir, 'console');
if (!consoleFiles.some((file) => file.path === '/console.js')) throw new Error(`No console.js in ${widgetOutDir}: build it first (npm run build).`);
const consoleTotal = sum(consoleFiles);

const kb = (bytes: number) => `${(bytes / 1024).toFixed(2)} KB`;
const pad = (text: string, width: number) => text.padStart(width);
const width = Math.max(...[...files, ...consoleFiles].map((file) => file.path.length), 'console total'.length) + 2;
console.log(`\nwidget build: ${widgetOutDir}\n`);
console.log(`${'file'.padEnd(width)}${pad('raw', 12)}${pad('gzip', 12)}${pad('brotli', 12)}`);
for (const file of files) console.log(`${file.path.padEnd(width)}${pad(kb(file.raw), 12)}${pad(kb(file.gzip), 12)}${pad(kb(file.brotli), 12)}`);
console.log(`${'widget total'.padEnd(width)}${pad(kb(total.raw), 12)}${pad(kb(total.gzip), 12)}${pad(kb(total.brotli), 12)}`);
console.log('');
for (const file of consoleFiles) console.log(`${file.path.padEnd(width)}${pad(kb(file.raw), 12)}${pad(kb(file.gzip), 12)}${pad(kb(file.brotli), 12)}`);
console.log(`${'console total'.padEnd(width)}${pad(kb(consoleTotal.raw), 12)}${pad(kb(consoleTotal.gzip), 12)}${pad(kb(consoleTotal.brotli), 12)}`);

const verdicts = [
  { what: 'first script (/widget.js)', gzip: first.gzip, budget: firstScriptBudgetGzip },
  { what: `everything the widget loads (${files.length} files)`, gzip: total.gzip, budget: totalBudgetGzip },
  { what: `everything the console loads (/console.js and its ${consoleFiles.length - 1} chunks)`, gzip: consoleTotal.gzip, budget: consoleBudgetGzip },
];
console.log('');
for (const { what, gzip, budget } of verdicts) {
  console.log(`${gzip <= budget ? 'PASS' : 'MISS'}  ${what}: ${kb(gzip)} gzip, budget ${kb(budget)} (${Math.round((gzip / budget) * 100)}%)`);
}
if (verdicts.some(({ gzip, budget }) => gzip > budget)) process.exitCode = 1;
