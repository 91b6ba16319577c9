import { expect, it } from 'vitest';
import { parseRetryAfter } from '../src/oauth2.js';

const now = Date.parse('Wed, 21 Oct 2015 07:27:00 GMT');

it.each([
  ['120', 120_000],
  [' 0 ', 0],
  ['Wed, 21 Oct 2015 07:28:00 GMT', 60_000],
  ['Wed, 21 Oct 2015 07:00:00 GMT', 0],
  ['-5', undefined],
  ['1.5', undefined],
  ['soon', undefined],
  [null, undefined],
])('Retry-After %j is %j ms', (header, expected) => {
  expect(parseRetryAfter(header, now)).toBe(expected);
});
