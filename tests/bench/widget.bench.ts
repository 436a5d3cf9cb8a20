/**
 * `npm run bench:widget`: builds the widget (`--no-build` reads dist/widget as it is) and prints
 * the bytes of every file a host page can load from it, the first script, the total, and
 * whether they keep to the budgets (first script ≤ 12 KB gzip; everything ≤ 35 KB gzip). The
 * total counts every locale, though a page only ever loads its own. Exits 1 on a miss.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { brotliCompressSync, constants, gzipSync } from 'node:zlib';
import { buildWidget } from '../../widget/build.ts';
import { widgetOutDir } from '../../widget/vite.config.ts';

const firstScriptBudgetGzip = 12 * 1024;
const totalBudgetGzip = 35 * 1024;

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

function measureWidget(distDir: string): WidgetSizes {
  const files = walk(distDir)
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
    .sort((a, b) => (a.path === '/widget.js' ? -1 : b.path === '/widget.js' ? 1 : a.path.localeCompare(b.path)));
  const first = files.find((file) => file.path === '/widget.js');
  if (!first) throw new Error(`No widget.js in ${distDir}: build the widget first (npm run build).`);
  const total = files.reduce((sum, file) => ({ raw: sum.raw + file.raw, gzip: sum.gzip + file.gzip, brotli: sum.brotli + file.brotli }), { raw: 0, gzip: 0, brotli: 0 });
  return { files, first, total };
}

if (!process.argv.includes('--no-build')) await buildWidget();
const { files, first, total } = measureWidget(widgetOutDir);

const kb = (bytes: number) => `${(bytes / 1024).toFixed(2)} KB`;
const pad = (text: string, width: number) => text.padStart(width);
const width = Math.max(...files.map((file) => file.path.length), 'total'.length) + 2;
console.log(`\nwidget build: ${widgetOutDir}\n`);
console.log(`${'file'.padEnd(width)}${pad('raw', 12)}${pad('gzip', 12)}${pad('brotli', 12)}`);
for (const file of files) console.log(`${file.path.padEnd(width)}${pad(kb(file.raw), 12)}${pad(kb(file.gzip), 12)}${pad(kb(file.brotli), 12)}`);
console.log(`${'total'.padEnd(width)}${pad(kb(total.raw), 12)}${pad(kb(total.gzip), 12)}${pad(kb(total.brotli), 12)}`);

const verdicts = [
  { what: 'first script (/widget.js)', gzip: first.gzip, budget: firstScriptBudgetGzip },
  { what: `everything the widget loads (${files.length} files)`, gzip: total.gzip, budget: totalBudgetGzip },
];
console.log('');
for (const { what, gzip, budget } of verdicts) {
  console.log(`${gzip <= budget ? 'PASS' : 'MISS'}  ${what}: ${kb(gzip)} gzip, budget ${kb(budget)} (${Math.round((gzip / budget) * 100)}%)`);
}
if (verdicts.some(({ gzip, budget }) => gzip > budget)) process.exitCode = 1;
