import { fileURLToPath } from 'node:url';
import { defineConfig, type Plugin } from 'vite';

/**
 * Inline the script and stylesheet into index.html: a module script fetched from file:// is blocked
 * by browsers (origin "null"), an inline one is not. The result is one self-contained file.
 */
function inlineIntoHtml(): Plugin {
  return {
    name: 'colossus-inline-into-html',
    enforce: 'post',
    generateBundle(_options, bundle) {
      const html = Object.values(bundle).find((f) => f.type === 'asset' && f.fileName.endsWith('.html'));
      if (!html || html.type !== 'asset') return;
      let text = String(html.source);
      for (const [name, file] of Object.entries(bundle)) {
        if (file.type === 'chunk' && file.isEntry) {
          const tag = new RegExp(`<script type="module" crossorigin src="[^"]*${file.fileName.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}"></script>`);
          // `</script` inside the code would end the element early.
          text = text.replace(tag, () => `<script type="module">${file.code.replace(/<\/script/gi, '<\\/script')}</script>`);
          delete bundle[name];
        } else if (file.type === 'asset' && file.fileName.endsWith('.css')) {
          const tag = new RegExp(`<link rel="stylesheet" crossorigin href="[^"]*${file.fileName.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}">`);
          text = text.replace(tag, () => `<style>${String(file.source)}</style>`);
          delete bundle[name];
        }
      }
      html.source = text;
    },
  };
}

/** The dashboard with no server: dist/web-static/index.html opened from disk or any static host. */
export default defineConfig({
  root: fileURLToPath(new URL('.', import.meta.url)),
  base: './',
  logLevel: 'warn',
  define: { __COLOSSUS_STATIC__: 'true' },
  plugins: [inlineIntoHtml()],
  // The campaign worker inlined too (a file:// page may not fetch a worker file).
  resolve: { alias: [{ find: /^\.\.\/campaign\/start-worker\.js$/, replacement: fileURLToPath(new URL('./src/campaign/start-worker-inline.ts', import.meta.url)) }] },
  build: {
    outDir: fileURLToPath(new URL('../dist/web-static', import.meta.url)),
    emptyOutDir: true,
    target: 'es2022',
    chunkSizeWarningLimit: 4000,
    modulePreload: false,
    rollupOptions: { output: { codeSplitting: false } },
  },
});
