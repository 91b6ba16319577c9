/**
 * What a client does with a response it will not hand out (a refused one before its resend, a
 * redirect before the next hop): read it to its end so its connection can carry the next request.
 */

/** Bodies up to this size are read to their end; a larger one is cancelled. */
const DRAIN_LIMIT_BYTES = 65_536;

/**
 * Read a discarded response's body to its end, up to 64 KiB, so that its connection can carry
 * the next request: cancelling a body that has not ended (an `AbortError` per response) closes
 * the connection. A body declared or found larger than that is cancelled. Never rejects.
 *
 * @example
 * ```ts
 * if (response.status === 401) void drainResponse(response); // then resend
 * ```
 */
export async function drainResponse(response: Response): Promise<void> {
  const reader = response.body?.getReader();
  try {
    const declared = Number(response.headers.get('content-length'));
    for (let left = declared > DRAIN_LIMIT_BYTES ? -1 : DRAIN_LIMIT_BYTES; reader && left >= 0; ) {
      const { done, value } = await reader.read();
      if (done) return;
      left -= value.byteLength;
    }
    await reader?.cancel();
  } catch {
    // a body that failed or was already read: nothing to reuse
  }
}
