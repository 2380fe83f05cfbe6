import { createHash } from 'node:crypto';
import { hashApiKey } from '../../src/auth/api-key.service';
import { digestText, weakEtag } from '../../src/crypto/hash';

// Express's own ETag function (a dependency of express, without type declarations).
// eslint-disable-next-line @typescript-eslint/no-require-imports
const etag = require('etag') as (body: string | Buffer, options: { weak: boolean }) => string;

// The one-shot digests (src/crypto/hash.ts) must write exactly what they replace: Express's `etag` package (clients
// send the ETag back in If-None-Match) and the stored hash of every API key.

const BODIES = ['', '{}', '{"data":{"interaction":null}}', 'é — 漢字 🎉', 'x'.repeat(100_000)];

it('writes the ETag Express wrote before, for strings and buffers', () => {
  for (const body of BODIES) {
    expect(weakEtag(body)).toBe(etag(body, { weak: true }));
    expect(weakEtag(Buffer.from(body))).toBe(etag(Buffer.from(body), { weak: true }));
  }
});

it('hashes as createHash does, and an API key as it was stored', () => {
  for (const body of BODIES) {
    for (const algorithm of ['sha1', 'sha256'] as const) {
      expect(digestText(algorithm, body, 'hex')).toBe(createHash(algorithm).update(body, 'utf8').digest('hex'));
      expect(digestText(algorithm, Buffer.from(body), 'base64')).toBe(
        createHash(algorithm).update(Buffer.from(body)).digest('base64'),
      );
    }
  }
  expect(hashApiKey('ik_test_0123456789')).toBe(createHash('sha256').update('ik_test_0123456789').digest('hex'));
});
