/**
 * The widget's build: an ES library whose entry is `widget.js` (the small first script) and whose
 * lazily loaded chunks land in `widget/assets/` with content hashes. dist/widget mirrors the URLs
 * the server serves them at (/widget.js, /widget/assets/…), so the entry's relative imports resolve.
 * The team's console is a second, separate build into the same directory (`console.js`, chunks in
 * `console/assets/`): the two share no file, so the widget never loads any of the console.
 */
import { fileURLToPath } from 'node:url';
import type { InlineConfig, Plugin } from 'vite';

const widgetDir = fileURLToPath(new URL('.', import.meta.url));
export const widgetOutDir = fileURLToPath(new URL('../dist/widget/', import.meta.url));

/** Whitespace and comments out of CSS: collapse runs, drop them around `{ } ; , >`. */
export function minifyCss(css: string): string {
  return css
    .replace(/\/\*[\s\S]*?\*\//g, '')
    .replace(/\s+/g, ' ')
    .replace(/\s*([{};,>])\s*/g, '$1')
    .replace(/;}/g, '}')
    .trim();
}

/** Styles are template literals (Lit's css`…`, and the first script's string): minify their text at build time. */
function minifyStyleLiterals(): Plugin {
  return {
    name: 'ticket-widget:minify-style-literals',
    enforce: 'pre',
    transform(code, id) {
      if (!id.endsWith('.styles.ts')) return null;
      return { code: code.replace(/(css|Styles = )`([^`$]*)`/g, (_, tag: string, css: string) => `${tag}\`${minifyCss(css)}\``), map: null };
    },
  };
}

export const widgetBuildConfig: InlineConfig = {
  configFile: false,
  root: widgetDir,
  publicDir: false,
  logLevel: 'warn',
  plugins: [minifyStyleLiterals()],
  build: {
    outDir: widgetOutDir,
    emptyOutDir: true,
    target: 'es2022',
    // No <link rel=modulepreload> injected into the host page's <head>: the widget leaves the page alone.
    modulePreload: false,
    reportCompressedSize: false,
    lib: { entry: 'ticket-widget.ts', formats: ['es'], fileName: () => 'widget.js' },
    rolldownOptions: {
      output: {
        // Vite 8 library builds only minify an ES bundle when asked here.
        minify: true,
        entryFileNames: 'widget.js',
        chunkFileNames: 'widget/assets/[name]-[hash].js',
      },
    },
  },
};

/** `<ticket-console>`: built after the widget (which empties the directory), into the same place. */
export const consoleBuildConfig: InlineConfig = {
  ...widgetBuildConfig,
  build: {
    ...widgetBuildConfig.build,
    emptyOutDir: false,
    lib: { entry: 'ticket-console.ts', formats: ['es'], fileName: () => 'console.js' },
    rolldownOptions: {
      output: {
        minify: true,
        entryFileNames: 'console.js',
        chunkFileNames: 'console/assets/[name]-[hash].js',
      },
    },
  },
};

export default widgetBuildConfig;
