import { describe, expect, it } from 'vitest';
import { assertChromium } from '../chromium-setup.js';

describe('the browser projects without Chromium', () => {
  it('stop with a message that says how to get it (apt-get or TOKVAULT_CHROMIUM)', () => {
    expect(() => assertChromium('/nonexistent/chromium')).toThrow(
      /Chromium not found at \/nonexistent\/chromium.*apt-get install -y chromium.*TOKVAULT_CHROMIUM=/,
    );
  });

  it('go ahead when the binary is there and executable', () => {
    expect(() => assertChromium(process.execPath)).not.toThrow();
  });
});
