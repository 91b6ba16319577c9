/**
 * The example page: ky + `@tokvault/ky` + `@tokvault/browser`. Open it in several tabs: they
 * share one token, refresh it once between them, and sign out together.
 */
import { tokenVaultHooks } from '@tokvault/ky';
import ky from 'ky';
import { signIn, store, vault } from './auth.js';

/** The API client: every request under `/api/` carries the shared token. */
const api = ky.create({ prefix: `${location.origin}/api/`, retry: 0, hooks: tokenVaultHooks(vault) });

const $ = (id: string) => document.getElementById(id) as HTMLElement;
const log = (line: string) => {
  const item = document.createElement('li');
  item.textContent = `${new Date().toLocaleTimeString()} ${line}`;
  $('log').prepend(item);
};

function render(): void {
  const token = vault.peek();
  $('status').textContent = token ? 'Signed in' : 'Signed out';
  $('status').dataset.state = token ? 'in' : 'out';
  $('coordination').textContent = store.coordination;
}

/** Send `count` API requests at once; resolves with how many succeeded. */
async function burst(count: number): Promise<{ ok: number; failed: number }> {
  const results = await Promise.allSettled(
    Array.from({ length: count }, () => api.get('profile').json<{ name: string }>()),
  );
  const ok = results.filter((result) => result.status === 'fulfilled').length;
  log(`${count} requests: ${ok} ok, ${count - ok} failed`);
  return { ok, failed: count - ok };
}

async function logout(): Promise<void> {
  await vault.invalidate();
  log('signed out (every tab)');
}

vault.on('refresh:success', ({ source }) => {
  log(source === 'store' ? 'token from another tab' : 'token refreshed here');
  render();
});
vault.on('token:cleared', ({ reason }) => {
  log(reason === 'store' ? 'signed out in another tab' : 'signed out');
  render();
});
store.subscribe('api', () => queueMicrotask(render));

$('sign-in').addEventListener(
  'click',
  () => void signIn().then(render, (error: Error) => log(error.message)),
);
$('load').addEventListener('click', () => void burst(50).catch((error: Error) => log(error.message)));
$('logout').addEventListener('click', () => void logout());
render();

/** A handle for the end-to-end test and the devtools console. */
const app = {
  signIn,
  burst,
  logout,
  /** The token this tab holds, without secrets. */
  state: () => ({ signedIn: vault.peek() !== undefined, coordination: store.coordination }),
  /** Whether IndexedDB holds a copy (read fresh, not this tab's cache). */
  stored: async () => (await store.get('api')) !== undefined,
};
declare global {
  interface Window {
    app: typeof app;
  }
}
window.app = app;
