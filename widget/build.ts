/**
 * `npm run build`: builds the widget, then the team's console, into dist/widget. `--if-missing`
 * does nothing when both are already there (`npm start` uses it, so a fresh clone serves them
 * without a build step).
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { build } from 'vite';
import { consoleBuildConfig, widgetBuildConfig, widgetOutDir } from './vite.config.ts';

export async function buildWidget(): Promise<void> {
  await build(widgetBuildConfig);
  await build(consoleBuildConfig);
}

if (import.meta.main) {
  if (process.argv.includes('--if-missing') && existsSync(join(widgetOutDir, 'widget.js')) && existsSync(join(widgetOutDir, 'console.js'))) process.exit(0);
  const started = performance.now();
  await buildWidget();
  console.log(`widget built into ${widgetOutDir} in ${Math.round(performance.now() - started)} ms`);
}
