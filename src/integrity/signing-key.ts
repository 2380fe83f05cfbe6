import {
  createHash,
  createPrivateKey,
  createPublicKey,
  generateKeyPairSync,
  sign,
  verify,
  type KeyObject,
} from 'node:crypto';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';

/** The Ed25519 key that signs checkpoints, and what verifiers need of it. */
export interface SigningKey {
  privateKey: KeyObject;
  publicKey: KeyObject;
  /** PEM (SPKI) of the public key: what a verifier is given. */
  publicKeyPem: string;
  /** First 16 hex digits of SHA-256 over the raw 32-byte public key. */
  keyId: string;
}

/** The public half alone: all a verifier holds. */
export type VerifyingKey = Pick<SigningKey, 'publicKey' | 'publicKeyPem' | 'keyId'>;

/** The raw 32 bytes of an Ed25519 public key (the end of its SPKI DER). */
function rawPublicKey(publicKey: KeyObject): Buffer {
  const der = publicKey.export({ format: 'der', type: 'spki' });
  return der.subarray(der.length - 32);
}

/** The key id of a public key: SHA-256 of its raw bytes, first 16 hex digits. */
export function keyIdOf(publicKey: KeyObject): string {
  return createHash('sha256').update(rawPublicKey(publicKey)).digest('hex').slice(0, 16);
}

/** A verifying key from a PEM public key (SPKI) or a PEM private key (its public half); throws on anything else. */
export function verifyingKeyFromPem(pem: string): VerifyingKey {
  const publicKey = pem.includes('PRIVATE KEY') ? createPublicKey(createPrivateKey(pem)) : createPublicKey(pem);
  if (publicKey.asymmetricKeyType !== 'ed25519') throw new Error('the integrity key must be an Ed25519 key');
  return {
    publicKey,
    publicKeyPem: publicKey.export({ format: 'pem', type: 'spki' }).toString(),
    keyId: keyIdOf(publicKey),
  };
}

/** A signing key from its PEM private key (PKCS#8); throws unless it is Ed25519. */
export function signingKeyFromPrivatePem(pem: string): SigningKey {
  const privateKey = createPrivateKey(pem);
  if (privateKey.asymmetricKeyType !== 'ed25519')
    throw new Error('INTEGRITY_KEY_FILE must hold an Ed25519 private key');
  return { privateKey, ...verifyingKeyFromPem(pem) };
}

/** A new Ed25519 signing key (in memory; loadOrCreateSigningKey keeps one in a file). */
export function generateSigningKey(): SigningKey {
  const { privateKey } = generateKeyPairSync('ed25519');
  return signingKeyFromPrivatePem(privateKey.export({ format: 'pem', type: 'pkcs8' }).toString());
}

/**
 * The signing key in `file` (PEM, PKCS#8). When the file does not exist it is created (mode 0600, never overwritten:
 * an instance that loses the race reads the winner's key) with the public key beside it in `<file>.pub`;
 * `created` says so, for the one-time notice at start.
 */
export async function loadOrCreateSigningKey(file: string): Promise<SigningKey & { created: boolean }> {
  try {
    return { ...signingKeyFromPrivatePem(await readFile(file, 'utf8')), created: false };
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
  }
  const generated = generateSigningKey();
  const pem = generated.privateKey.export({ format: 'pem', type: 'pkcs8' }).toString();
  await mkdir(path.dirname(file), { recursive: true });
  try {
    await writeFile(file, pem, { mode: 0o600, flag: 'wx' });
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'EEXIST') return loadOrCreateSigningKey(file);
    throw error;
  }
  await writeFile(`${file}.pub`, generated.publicKeyPem, { mode: 0o644 });
  return { ...generated, created: true };
}

/** Ed25519 signature of `message`, base64. */
export function signMessage(key: Pick<SigningKey, 'privateKey'>, message: Buffer): string {
  return sign(null, message, key.privateKey).toString('base64');
}

/** True when `signature` (base64) is `key`'s signature of `message`. */
export function verifySignature(key: Pick<VerifyingKey, 'publicKey'>, message: Buffer, signature: string): boolean {
  try {
    return verify(null, message, key.publicKey, Buffer.from(signature, 'base64'));
  } catch {
    return false;
  }
}
