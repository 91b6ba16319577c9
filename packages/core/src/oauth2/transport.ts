/**
 * Transport safety: credentials (client secrets, assertions, refresh tokens, codes) travel only
 * over `https:`, or plain `http:` to this machine (loopback), as RFC 6749 §2.3.1 and §3.2 ask.
 */

/** `localhost` (and `*.localhost`), `127.0.0.0/8` and `::1`. */
export function isLoopback(hostname: string): boolean {
  const host = hostname.toLowerCase();
  if (host === 'localhost' || host.endsWith('.localhost') || host === '[::1]') return true;
  return /^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(host);
}

/** `true` if credentials may be sent to `url`: `https:`, or `http:` to a loopback host. */
export function isSecureUrl(url: URL): boolean {
  return url.protocol === 'https:' || (url.protocol === 'http:' && isLoopback(url.hostname));
}

/**
 * Throw a `TypeError` naming `option` when `value` is an absolute `http:` URL to a host other
 * than loopback. A path (`/oauth/token`, resolved by the browser against the page) passes.
 */
export function assertSecureUrl(source: string, option: string, value: string | URL): void {
  if (typeof value === 'string' && value.startsWith('/')) return;
  const url = new URL(value);
  if (!isSecureUrl(url)) {
    throw new TypeError(
      `${source}: option "${option}" must be an https: URL (plain http: is only allowed to localhost, 127.0.0.0/8 or ::1): credentials would travel in clear text to ${url.origin}`,
    );
  }
}
