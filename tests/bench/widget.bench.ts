/**
 * `npm run bench:widget`: builds the widget (`--no-build` reads dist/widget as it is) and prints
 * the bytes of every file a host page can load from it, the first script, the total, and
 * whether they keep to the budgets (first script ≤ 12 KB gzip; everything ≤ 35 KB gzip). The
 * total counts every locale, though a page only ever loads its own. Exits 1 on a miss.
 */
import { buildWidget } from '../../widget/build.ts';
import { widgetOutDir } from '../../widget/vite.config.ts';
import { firstScriptBudgetGzip, measureWidget, totalBudgetGzip } from './widget-sizes.ts';

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
