/**
 * `clearOnLastTabClose`, the part that runs in Node.js (process-wide Web Locks): a store that
 * starts while no other "tab" of its namespace is open deletes a copy left by an earlier
 * session; while another tab is open, the copy stays. (`pagehide` and the reload stash need a
 * real page: examples/browser-ky/test/last-tab.test.ts.)
 */
import type { StoredToken } from '@tokvault/core';
import { afterEach, expect, it } from 'vitest';
import { tabs } from './support.js';

const token: StoredToken = { accessToken: 'left-behind', tokenType: 'Bearer', refreshToken: 'r' };
let group: ReturnType<typeof tabs>;

afterEach(() => group.closeAll());

it('keeps the copy while another tab is open, deletes it when a session starts with no tab open', async () => {
  group = tabs({ clearOnLastTabClose: true });
  const first = group.open();
  await first.withLock('k', (lock) => lock.set(token));
  const second = group.open();
  expect((await second.get('k'))?.accessToken).toBe('left-behind');
  first.close();
  second.close();
  // Both tabs left: their shared presence locks are gone (released asynchronously).
  const presence = async () =>
    (await navigator.locks.query()).held?.filter((l) => l.name === `${group.namespace}:tabs`);
  await expect.poll(async () => (await presence())?.length).toBe(0);
  const next = group.open();
  expect(await next.get('k')).toBeUndefined();
});

it('without the option the copy outlives every tab', async () => {
  group = tabs();
  const first = group.open();
  await first.withLock('k', (lock) => lock.set(token));
  first.close();
  expect((await group.open().get('k'))?.accessToken).toBe('left-behind');
});
