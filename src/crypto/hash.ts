import crypto, { createHash, type BinaryToTextEncoding } from 'node:crypto';

// node:crypto's one-shot `hash` (Node 20.12 and later) digests in one call, without a Hash object: for the short
// inputs hashed per request (an API key, a response body) it costs a fraction of createHash().update().digest().
type OneShot = (algorithm: string, data: string | Buffer, encoding: BinaryToTextEncoding) => string;
const oneShot = (crypto as unknown as { hash?: OneShot }).hash;

/** The digest of `data` (a string as UTF-8) as text: one call where Node has it, a Hash object otherwise. */
export function digestText(algorithm: 'sha1' | 'sha256', data: string | Buffer, encoding: BinaryToTextEncoding) {
  if (oneShot) return oneShot(algorithm, data, encoding);
  return typeof data === 'string'
    ? createHash(algorithm).update(data, 'utf8').digest(encoding)
    : createHash(algorithm).update(data).digest(encoding);
}

/**
 * Express's default ETag for a response body, the same text as its `etag` package writes with `weak: true`
 * (`W/"<byte length in hex>-<SHA-1 in base64, first 27 characters>"`; a string is hashed as UTF-8 whatever the
 * response's encoding, as the package does), hashed in one call: set as `app.set('etag', weakEtag)`.
 */
export function weakEtag(body: string | Buffer): string {
  return weakEtagOf(body, typeof body === 'string' ? Buffer.byteLength(body, 'utf8') : body.length);
}

/** `weakEtag(body)` of a body whose length in bytes the caller has already counted. */
export function weakEtagOf(body: string | Buffer, byteLength: number): string {
  if (byteLength === 0) return 'W/"0-2jmj7l5rSw0yVb/vlWAYkK/YBwk"';
  return `W/"${byteLength.toString(16)}-${digestText('sha1', body, 'base64').slice(0, 27)}"`;
}
