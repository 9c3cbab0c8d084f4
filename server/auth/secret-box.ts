import { createCipheriv, createDecipheriv, createHmac, randomBytes } from 'node:crypto';

/*
 * Private keys must live in the database (every instance signs with the same key), but a
 * database dump or backup alone must not let anyone forge a host token or send pushes as
 * this server. So they are stored sealed with a key kept outside the database (SECRETS_KEY,
 * or a key file in DATA_DIR): AES-256-GCM, which also detects tampering, with a fresh random
 * IV per value and the value's context (which row, which field) bound in as associated data,
 * so a sealed value copied into another row does not open there.
 *
 * Sealed form: `sb1.<key id>.<iv>.<ciphertext+tag>` (base64url parts). `sb1` versions the
 * format; the key id (derived from the key, it reveals nothing about it) says which key
 * sealed it, so a rotation knows what is left to re-seal and a wrong key is named as such
 * instead of failing as "corrupt". The prefix never begins JSON, PEM or base64url text, so a
 * legacy plaintext value is told apart from a sealed one.
 */

const VERSION = 'sb1';
const KEY_BYTES = 32;
const IV_BYTES = 12;
const TAG_BYTES = 16;
const SEALED = /^sb1\.([A-Za-z0-9_-]{8})\.([A-Za-z0-9_-]{16})\.([A-Za-z0-9_-]{22,})$/;

/** A key is missing or wrong for a sealed value, or the value was altered: one sentence for the host. */
export class SecretBoxError extends Error {
  constructor(
    message: string,
    /** The key id the value was sealed with, when it could be read. */
    readonly keyId?: string,
  ) {
    super(message);
  }
}

/** The public name of a key: 8 base64url characters of an HMAC of a fixed label under it. */
export function secretsKeyId(key: Buffer): string {
  return createHmac('sha256', key).update('barback secret-box key id').digest().subarray(0, 6).toString('base64url');
}

/**
 * Reads a key as SECRETS_KEY and the key file write it: 32 bytes in base64 (44 characters,
 * `openssl rand -base64 32`) or base64url (43). Throws one sentence that never repeats the value.
 */
export function parseSecretsKey(text: string, source = 'SECRETS_KEY'): Buffer {
  const trimmed = text.trim();
  const shaped = /^[A-Za-z0-9+/]{43}=?$/.test(trimmed) || /^[A-Za-z0-9_-]{43}$/.test(trimmed);
  const key = shaped ? Buffer.from(trimmed.replace(/=$/, ''), trimmed.includes('+') || trimmed.includes('/') ? 'base64' : 'base64url') : undefined;
  if (!key || key.length !== KEY_BYTES) {
    throw new SecretBoxError(
      `${source} must be 32 random bytes written in base64 (44 characters; make one with: openssl rand -base64 32), and the value given (${trimmed.length} characters) is not.`,
    );
  }
  return key;
}

/** A new random key, written as SECRETS_KEY and the key file expect it. */
export function newSecretsKey(): string {
  return randomBytes(KEY_BYTES).toString('base64');
}

/**
 * Seals and opens the secrets barback stores. Holds one key to seal with and any number of
 * older ones that may still open values (during a rotation). A box without a key
 * (`SecretBox.none()`, PostgreSQL without SECRETS_KEY) stores values as they are.
 */
export class SecretBox {
  private readonly keys = new Map<string, Buffer>();
  private readonly primaryId: string | undefined;

  private constructor(primary: Buffer | undefined, older: Buffer[]) {
    for (const key of [...(primary ? [primary] : []), ...older]) {
      if (key.length !== KEY_BYTES) throw new SecretBoxError('A secrets key must be 32 bytes.');
      this.keys.set(secretsKeyId(key), key);
    }
    this.primaryId = primary ? secretsKeyId(primary) : undefined;
  }

  /** Seals with `key`; values sealed with any of `older` still open (and are due for re-sealing). */
  static withKey(key: Buffer, older: Buffer[] = []): SecretBox {
    return new SecretBox(key, older);
  }

  /** No key: `seal` returns values unchanged; sealed values cannot be opened. */
  static none(): SecretBox {
    return new SecretBox(undefined, []);
  }

  /** The id of the key new values are sealed with; undefined when values are stored as they are. */
  get keyId(): string | undefined {
    return this.primaryId;
  }

  /** `context` names what the value is and where it lives (e.g. `signing_keys:<kid>`); open needs the same. */
  seal(plaintext: string, context: string): string {
    if (!this.primaryId) return plaintext;
    const key = this.keys.get(this.primaryId)!;
    const iv = randomBytes(IV_BYTES);
    const cipher = createCipheriv('aes-256-gcm', key, iv);
    cipher.setAAD(associatedData(this.primaryId, context));
    const body = Buffer.concat([cipher.update(plaintext, 'utf8'), cipher.final(), cipher.getAuthTag()]);
    return [VERSION, this.primaryId, iv.toString('base64url'), body.toString('base64url')].join('.');
  }

  /**
   * Opens a sealed value; a value that is not sealed (stored before encryption was on, or
   * with no key) is returned as it is. Throws SecretBoxError when the key is not at hand or
   * the value was altered.
   */
  open(stored: string, context: string): string {
    if (!stored.startsWith(`${VERSION}.`)) return stored;
    const match = SEALED.exec(stored);
    if (!match) throw new SecretBoxError(`A stored secret (${context}) is damaged: it is not in the sealed format.`);
    const [, keyId, iv, body] = match as unknown as [string, string, string, string];
    const key = this.keys.get(keyId);
    if (!key) throw new SecretBoxError(`A stored secret (${context}) is encrypted with a key this server does not have (key id ${keyId}).`, keyId);
    const bytes = Buffer.from(body, 'base64url');
    if (bytes.length < TAG_BYTES) throw new SecretBoxError(`A stored secret (${context}) is damaged.`, keyId);
    const decipher = createDecipheriv('aes-256-gcm', key, Buffer.from(iv, 'base64url'));
    decipher.setAAD(associatedData(keyId, context));
    decipher.setAuthTag(bytes.subarray(bytes.length - TAG_BYTES));
    try {
      return Buffer.concat([decipher.update(bytes.subarray(0, bytes.length - TAG_BYTES)), decipher.final()]).toString('utf8');
    } catch {
      throw new SecretBoxError(`A stored secret (${context}) does not open with key ${keyId}: it was altered or belongs elsewhere.`, keyId);
    }
  }

  /** Whether a stored value is sealed (with any key). */
  static isSealed(stored: string): boolean {
    return stored.startsWith(`${VERSION}.`);
  }

  /** The key id a sealed value names, or undefined for a value stored as it is. */
  static keyIdOf(stored: string): string | undefined {
    return SEALED.exec(stored)?.[1];
  }

  /** Whether a stored value is already as this box would store it now (nothing to re-seal). */
  isCurrent(stored: string): boolean {
    return SecretBox.keyIdOf(stored) === this.primaryId;
  }
}

function associatedData(keyId: string, context: string): Buffer {
  return Buffer.from(`${VERSION}.${keyId}.${context}`, 'utf8');
}
