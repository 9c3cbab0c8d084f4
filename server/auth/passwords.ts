import { randomBytes, scrypt, timingSafeEqual, type ScryptOptions } from 'node:crypto';
import os from 'node:os';
import { AppError } from '../http/errors.ts';

const PARAMS = { N: 32_768, r: 8, p: 1, maxmem: 64 * 1024 * 1024 } as const;
const KEY_LENGTH = 32;

/**
 * Each hash holds a libuv thread and a core for a few hundred milliseconds. Unbounded, a
 * burst of logins filled the thread pool that file reads (the app shell) and WebCrypto also
 * need, and took `GET /` to 8.6 s; so at most half the cores hash at once and the rest queue,
 * up to a point past which the answer is "busy, try again".
 */
const MAX_CONCURRENT_HASHES = Math.max(1, Math.floor(os.availableParallelism() / 2));
const MAX_QUEUED_HASHES = 64;
let hashing = 0;
const queued: (() => void)[] = [];

async function derive(password: string, salt: Buffer, options: ScryptOptions): Promise<Buffer> {
  if (hashing >= MAX_CONCURRENT_HASHES) {
    if (queued.length >= MAX_QUEUED_HASHES) {
      throw new AppError(503, 'server_busy', 'The server is busy checking passwords; try again in a moment.', undefined, { 'Retry-After': '5' });
    }
    await new Promise<void>((resolve) => queued.push(resolve));
  } else {
    hashing += 1;
  }
  try {
    return await new Promise<Buffer>((resolve, reject) => {
      scrypt(password.normalize('NFC'), salt, KEY_LENGTH, options, (error, key) => (error ? reject(error) : resolve(key)));
    });
  } finally {
    // The place passes straight to the next in line, so `hashing` never over-counts.
    const next = queued.shift();
    if (next) next();
    else hashing -= 1;
  }
}

/** A slow, salted hash, stored as `scrypt$N$r$p$salt$hash` so parameters can grow later. */
export async function hashPassword(password: string): Promise<string> {
  const salt = randomBytes(16);
  const key = await derive(password, salt, PARAMS);
  return ['scrypt', PARAMS.N, PARAMS.r, PARAMS.p, salt.toString('base64url'), key.toString('base64url')].join('$');
}

export async function verifyPassword(password: string, stored: string): Promise<boolean> {
  const [scheme, n, r, p, salt, hash] = stored.split('$');
  if (scheme !== 'scrypt' || !salt || !hash) return false;
  const expected = Buffer.from(hash, 'base64url');
  const key = await derive(password, Buffer.from(salt, 'base64url'), {
    N: Number(n),
    r: Number(r),
    p: Number(p),
    maxmem: PARAMS.maxmem,
  });
  return key.length === expected.length && timingSafeEqual(key, expected);
}

/** A password hash to compare against when the account does not exist, so timing says nothing. */
export const DUMMY_PASSWORD_HASH = hashPassword('not a real password');
