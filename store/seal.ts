/**
 * Sealing of credentials with libsodium sealed boxes. Anyone holding the store's public key can
 * seal; only the master secret key (a file outside the store) can unseal.
 */
import { chmodSync, existsSync, readFileSync, statSync, writeFileSync } from 'node:fs'
import sodium from 'libsodium-wrappers'
import { StoreError } from './db.ts'

const fileTag = 'japroxy-master-key-v1'

/** The master key pair; the secret half never leaves `serve`'s memory. */
export interface MasterKey {
  publicKey: Uint8Array
  secretKey: Uint8Array
}

/** Resolves when libsodium is ready; every other function here needs it. */
export async function sodiumReady(): Promise<void> {
  await sodium.ready
}

/** Generates a fresh master key pair. */
export function generateMasterKey(): MasterKey {
  const pair = sodium.crypto_box_keypair()
  return { publicKey: pair.publicKey, secretKey: pair.privateKey }
}

/** Encodes a public key for the store's meta table. */
export function encodePublicKey(publicKey: Uint8Array): string {
  return sodium.to_base64(publicKey, sodium.base64_variants.ORIGINAL)
}

/** Decodes a public key from the store's meta table. */
export function decodePublicKey(text: string): Uint8Array {
  return sodium.from_base64(text, sodium.base64_variants.ORIGINAL)
}

/** Writes the master key file with mode 0600; refuses to overwrite an existing file. */
export function writeMasterKeyFile(path: string, key: MasterKey): void {
  const secret = sodium.to_base64(key.secretKey, sodium.base64_variants.ORIGINAL)
  writeFileSync(path, `${fileTag} ${secret}\n`, { mode: 0o600, flag: 'wx' })
  chmodSync(path, 0o600)
}

/**
 * Reads the master key file. Refuses a file that others can read (it would let them unseal
 * every credential) and one that is not a japroxy master key.
 */
export function readMasterKeyFile(path: string): MasterKey {
  if (!existsSync(path)) {
    throw new StoreError(
      `master key file not found: ${path}`,
      'pass --master-key PATH (the file `japroxy init` wrote)',
    )
  }
  const mode = statSync(path).mode & 0o777
  if ((mode & 0o077) !== 0) {
    throw new StoreError(
      `master key file ${path} is readable by other users (mode ${mode.toString(8)})`,
      `run: chmod 600 ${path}`,
    )
  }
  const [tag, encoded] = readFileSync(path, 'utf8').trim().split(' ')
  let secretKey: Uint8Array | undefined
  try {
    if (tag === fileTag && encoded) {
      secretKey = sodium.from_base64(encoded, sodium.base64_variants.ORIGINAL)
    }
  } catch {
    secretKey = undefined
  }
  if (!secretKey || secretKey.length !== sodium.crypto_box_SECRETKEYBYTES) {
    throw new StoreError(
      `${path} is not a japroxy master key file`,
      'point --master-key at the file `japroxy init` wrote',
    )
  }
  return { secretKey, publicKey: sodium.crypto_scalarmult_base(secretKey) }
}

/** Seals `plaintext` to `publicKey`. */
export function seal(publicKey: Uint8Array, plaintext: string): Uint8Array {
  return sodium.crypto_box_seal(plaintext, publicKey)
}

/** Unseals a sealed box; throws StoreError when the key does not open it. */
export function unseal(key: MasterKey, sealed: Uint8Array): string {
  try {
    return sodium.crypto_box_seal_open(sealed, key.publicKey, key.secretKey, 'text')
  } catch {
    throw new StoreError(
      'the master key does not open a stored credential',
      'use the master key file written by `japroxy init` for this store,' +
        ' or set the credential again',
    )
  }
}

/** Whether two public keys are the same. */
export function isSamePublicKey(a: Uint8Array, b: Uint8Array): boolean {
  return a.length === b.length && sodium.memcmp(a, b)
}

/** Standard base64 of a string's UTF-8 bytes (for Basic headers). */
export function toBase64(text: string): string {
  return Buffer.from(text, 'utf8').toString('base64')
}
