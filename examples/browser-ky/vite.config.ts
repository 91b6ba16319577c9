/**
 * `pnpm dev` / `pnpm preview`: the page plus the mock backend (mock/backend.ts), proxied so
 * that page, token endpoint and API share one origin. `pnpm build` needs no backend.
 */
import { defaultClientConditions, defineConfig, type Plugin } from 'vite';
import { type MockBackend, startMockBackend } from './mock/backend.js';

function mockBackend(): Plugin {
  let backend: MockBackend | undefined;
  const stop = () => backend?.close();
  return {
    name: 'tokvault-mock-backend',
    async config(_config, { command }) {
      if (command !== 'serve') return;
      backend = await startMockBackend();
      return { server: { proxy: backend.proxy }, preview: { proxy: backend.proxy } };
    },
    configureServer: (server) => void server.httpServer?.once('close', stop),
    configurePreviewServer: (server) => void server.httpServer.once('close', stop),
  };
}

/** In this monorepo, bundle the workspace packages from their TypeScript sources. */
export const resolve = { conditions: ['@tokvault/source', ...defaultClientConditions] };

export default defineConfig({
  plugins: [mockBackend()],
  resolve,
  server: { host: '127.0.0.1' },
  preview: { host: '127.0.0.1' },
  build: { target: 'es2022' },
});
