import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vite';

const root = fileURLToPath(new URL('.', import.meta.url));

// Two pages: the console (index.html) and the offline GraphiQL explorer (graphiql.html, served at GET /graphql).
// GraphiQL (Monaco) is large; as its own entry it never weighs on the console's first load.
export default defineConfig({
  root,
  base: '/',
  logLevel: 'warn',
  // No @vitejs/plugin-react: production builds need only the JSX transform, which Vite's Oxc does itself.
  oxc: { jsx: { runtime: 'automatic' } },
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    sourcemap: false,
    chunkSizeWarningLimit: 5000,
    rolldownOptions: {
      input: { console: `${root}index.html`, graphiql: `${root}graphiql.html` },
      // GraphiQL's dependencies carry "use client" directives meant for server components: noise here.
      onwarn(warning, warn) {
        if (warning.code !== 'MODULE_LEVEL_DIRECTIVE') warn(warning);
      },
    },
  },
  worker: { format: 'es' },
});
