/**
 * What a host page can download from the widget's build, file by file: raw, gzip (level 9) and
 * brotli (quality 11) bytes — the same compression the server applies — and the budgets they
 * are held to.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { brotliCompressSync, constants, gzipSync } from 'node:zlib';

export const firstScriptBudgetGzip = 12 * 1024;
export const totalBudgetGzip = 35 * 1024;

export interface FileSize {
  /** The URL path a host loads it from. */
  path: string;
  raw: number;
  gzip: number;
  brotli: number;
}

export interface WidgetSizes {
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

export function measureWidget(distDir: string): WidgetSizes {
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
