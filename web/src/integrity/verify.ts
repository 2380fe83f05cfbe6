import { checkpointMessage, type CheckpointFields } from './checkpoint';

/**
 * Checks, in the browser and with WebCrypto alone, that interactions are in signed checkpoints (docs/integrity.md):
 * the row's canonical text hashes to the sealed leaf, the audit path folds to the checkpoint's root (RFC 9162
 * 2.1.3.2), and the checkpoint's Ed25519 signature verifies with the service's public key. Nothing here trusts the
 * service's own `matches`: it is only one more reason to say "does not match".
 */

/** What a person is told about one interaction. */
export type Seal =
  | { state: 'checking' }
  | { state: 'verified'; seq: number }
  | { state: 'unsealed' }
  | { state: 'mismatch'; seq: number | null; reason: string }
  /** Sealing is off on this service: nothing to check against. */
  | { state: 'off' }
  | { state: 'error'; reason: string };

/** A proof as the console's query selects it. */
export interface ProofFields {
  interactionId: string;
  leafIndex: number;
  treeSize: number;
  leafHash: string;
  path: string[];
  canonical: string | null;
  matches: boolean;
  checkpoint: { seq: number };
}

/** The answer of ConsoleInteractionProofs: proofs, who has none, each checkpoint once, and the public key. */
export interface ProofSetFields {
  proofs: ProofFields[];
  unsealed: string[];
  orphaned: string[];
  checkpoints: CheckpointFields[];
}

/** Bytes over a plain ArrayBuffer: what WebCrypto takes. */
type Bytes = Uint8Array<ArrayBuffer>;

const encoder = new TextEncoder();

async function sha256(...parts: Bytes[]): Promise<Bytes> {
  const data = new Uint8Array(parts.reduce((n, part) => n + part.length, 0));
  let at = 0;
  for (const part of parts) {
    data.set(part, at);
    at += part.length;
  }
  return new Uint8Array(await crypto.subtle.digest('SHA-256', data));
}

export function hexToBytes(hex: string): Bytes {
  if (!/^(?:[0-9a-f]{2})*$/i.test(hex)) throw new TypeError('not hex');
  const bytes = new Uint8Array(hex.length / 2);
  for (let i = 0; i < bytes.length; i += 1) bytes[i] = parseInt(hex.slice(i * 2, i * 2 + 2), 16);
  return bytes;
}

export function bytesToHex(bytes: Bytes): string {
  return Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join('');
}

function base64ToBytes(base64: string): Bytes {
  const text = atob(base64.replace(/\s+/g, ''));
  return Uint8Array.from(text, (c) => c.charCodeAt(0));
}

/** DER of the SPKI in a PEM "PUBLIC KEY" block. */
export function pemToDer(pem: string): Bytes {
  const body = /-----BEGIN PUBLIC KEY-----([\s\S]+?)-----END PUBLIC KEY-----/.exec(pem)?.[1];
  if (!body) throw new TypeError('not a PEM public key');
  return base64ToBytes(body);
}

const LEAF = new Uint8Array([0]);
const NODE = new Uint8Array([1]);

/** SHA-256(0x00 || UTF-8 of the canonical text): the leaf hash of a row. */
export function leafHashOf(canonical: string): Promise<Bytes> {
  return sha256(LEAF, encoder.encode(canonical));
}

/** RFC 9162 2.1.3.2: the root the audit path of leaf `index` in a tree of `size` leaves leads to (null: malformed). */
export async function rootFromPath(
  leaf: Bytes,
  index: number,
  size: number,
  path: readonly Bytes[],
): Promise<Bytes | null> {
  if (!Number.isInteger(index) || !Number.isInteger(size) || index < 0 || index >= size) return null;
  let fn = index;
  let sn = size - 1;
  let r = leaf;
  for (const p of path) {
    if (sn === 0) return null;
    if (fn % 2 === 1 || fn === sn) {
      r = await sha256(NODE, p, r);
      while (fn % 2 === 0 && fn !== 0) {
        fn = Math.floor(fn / 2);
        sn = Math.floor(sn / 2);
      }
    } else {
      r = await sha256(NODE, r, p);
    }
    fn = Math.floor(fn / 2);
    sn = Math.floor(sn / 2);
  }
  return sn === 0 ? r : null;
}

/** The public key for Ed25519 verification, and its id (SHA-256 of the raw 32 bytes, first 16 hex digits). */
export async function importPublicKey(pem: string): Promise<{ key: CryptoKey; keyId: string }> {
  const der = pemToDer(pem);
  const key = await crypto.subtle.importKey('spki', der, { name: 'Ed25519' }, false, ['verify']);
  const keyId = bytesToHex(await sha256(der.subarray(der.length - 32))).slice(0, 16);
  return { key, keyId };
}

/** Why a checkpoint cannot be trusted, or null when its hash, key id and signature check out. */
export async function checkCheckpoint(
  checkpoint: CheckpointFields,
  publicKey: { key: CryptoKey; keyId: string },
): Promise<string | null> {
  const message = encoder.encode(checkpointMessage(checkpoint));
  if (checkpoint.keyId !== publicKey.keyId) {
    return `checkpoint #${checkpoint.seq} names key ${checkpoint.keyId}, the service's key is ${publicKey.keyId}`;
  }
  if (bytesToHex(await sha256(message)) !== checkpoint.checkpointHash) {
    return `checkpoint #${checkpoint.seq} does not hash to its checkpointHash`;
  }
  let signature: Bytes;
  try {
    signature = base64ToBytes(checkpoint.signature);
  } catch {
    return `checkpoint #${checkpoint.seq} has no readable signature`;
  }
  const ok = await crypto.subtle.verify({ name: 'Ed25519' }, publicKey.key, signature, message);
  return ok ? null : `the signature of checkpoint #${checkpoint.seq} does not verify with the service's key`;
}

/** Why a proof fails for row `id` in its (already checked) checkpoint, or null when it holds. */
async function checkProof(id: string, proof: ProofFields, checkpoint: CheckpointFields): Promise<string | null> {
  if (proof.canonical === null) return 'the row is gone from the database';
  let canonicalId: unknown;
  try {
    canonicalId = (JSON.parse(proof.canonical) as { id?: unknown }).id;
  } catch {
    return 'the canonical text is not JSON';
  }
  if (canonicalId !== id.toLowerCase()) return 'the canonical text is of another interaction';
  const leaf = await leafHashOf(proof.canonical);
  if (bytesToHex(leaf) !== proof.leafHash) return 'the row as stored now does not hash to its sealed leaf';
  if (proof.treeSize !== checkpoint.rowCount) return 'the proof is for a tree of another size';
  let path: Bytes[];
  try {
    path = proof.path.map(hexToBytes);
  } catch {
    return 'the audit path is not hex';
  }
  const root = await rootFromPath(leaf, proof.leafIndex, proof.treeSize, path);
  if (!root || bytesToHex(root) !== checkpoint.merkleRoot) return 'the audit path does not lead to the signed root';
  // The service's own comparison, last: every check above was made here.
  if (!proof.matches) return 'the service reports the row changed since it was sealed';
  return null;
}

/**
 * The seal of each of `ids` from one answer of ConsoleInteractionProofs, checked here: each checkpoint's signature
 * once, then each proof. `publicKeyPem` null means sealing is off.
 */
export async function verifySeals(
  ids: readonly string[],
  set: ProofSetFields,
  publicKeyPem: string | null,
): Promise<Map<string, Seal>> {
  const seals = new Map<string, Seal>();
  if (publicKeyPem === null) {
    for (const id of ids) seals.set(id, { state: 'off' });
    return seals;
  }
  const publicKey = await importPublicKey(publicKeyPem);
  const checkpoints = new Map(set.checkpoints.map((checkpoint) => [checkpoint.seq, checkpoint]));
  const problems = new Map<number, string | null>();
  await Promise.all(
    set.checkpoints.map(async (checkpoint) =>
      problems.set(checkpoint.seq, await checkCheckpoint(checkpoint, publicKey)),
    ),
  );
  const proofs = new Map(set.proofs.map((proof) => [proof.interactionId.toLowerCase(), proof]));
  const unsealed = new Set(set.unsealed.map((id) => id.toLowerCase()));
  const orphaned = new Set(set.orphaned.map((id) => id.toLowerCase()));
  await Promise.all(
    ids.map(async (id) => {
      const key = id.toLowerCase();
      const proof = proofs.get(key);
      if (!proof) {
        if (orphaned.has(key)) seals.set(id, { state: 'mismatch', seq: null, reason: 'its checkpoint is missing' });
        else if (unsealed.has(key)) seals.set(id, { state: 'unsealed' });
        else seals.set(id, { state: 'error', reason: 'the service did not answer for it' });
        return;
      }
      const seq = proof.checkpoint.seq;
      const checkpoint = checkpoints.get(seq);
      const reason = !checkpoint
        ? `checkpoint #${seq} was not sent`
        : (problems.get(seq) ?? (await checkProof(key, proof, checkpoint)));
      seals.set(id, reason ? { state: 'mismatch', seq, reason } : { state: 'verified', seq });
    }),
  );
  return seals;
}
