import { randomBytes } from 'node:crypto';
import fs from 'node:fs/promises';
import path from 'node:path';
import type { Config } from '../config.ts';
import type { Database } from '../db/database.ts';
import type { Logger } from '../logger.ts';
import { SecretBox, SecretBoxError, newSecretsKey, parseSecretsKey, secretsKeyId } from './secret-box.ts';
import { sealStoredSecrets, storedSecretKeyIds } from './stored-secrets.ts';

/** The embedded mode's key file: one key per line, the first seals, the others only open (mid-rotation). */
const KEY_FILE = 'secrets.key';

/** Start-up cannot open the stored private keys: one sentence saying what to do. */
export class SecretsKeyError extends Error {}

export type KeySource =
  | { kind: 'env' }
  | { kind: 'file'; path: string }
  | { kind: 'process' }
  | { kind: 'none' };

export interface ResolvedKeys {
  source: KeySource;
  /** Seals; undefined for `none`. */
  primary: Buffer | undefined;
  /** Older keys that still open values (a rotation under way, or a key file SECRETS_KEY replaces). */
  older: Buffer[];
}

// A database in memory (tests) dies with its process, and so may its key; instances in one
// process share the database, so they share this key.
const PROCESS_KEY = randomBytes(32);

export function keyFilePath(dataDir: string): string {
  return path.join(dataDir, KEY_FILE);
}

/** The keys in a key file, primary first; undefined when there is no file. */
export async function readKeyFile(file: string): Promise<Buffer[] | undefined> {
  let text: string;
  try {
    text = await fs.readFile(file, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw error;
  }
  const lines = text.split('\n').map((line) => line.trim()).filter((line) => line && !line.startsWith('#'));
  if (lines.length === 0) throw new SecretsKeyError(`${file} is empty: restore it from your backup, or set SECRETS_KEY.`);
  try {
    return lines.map((line) => parseSecretsKey(line, file));
  } catch (error) {
    throw new SecretsKeyError((error as Error).message);
  }
}

/**
 * Writes a key file readable by its owner only, atomically (a crash leaves the old file or
 * the new one, never half of one).
 */
export async function writeKeyFile(file: string, keys: Buffer[]): Promise<void> {
  const comment = '# barback: encrypts the private keys in this folder\'s database. Back it up with the database; without it they cannot be opened.\n';
  const temporary = `${file}.${process.pid}.tmp`;
  await fs.writeFile(temporary, comment + keys.map((key) => `${key.toString('base64')}\n`).join(''), { mode: 0o600 });
  await fs.rename(temporary, file);
}

/** Where this server's key comes from: SECRETS_KEY, the key file (embedded), or nowhere (PostgreSQL without it). */
async function resolveKeys(config: Config, db: Database): Promise<ResolvedKeys> {
  const onDisk = db.kind === 'embedded' && config.dataDir !== 'memory://';
  const file = onDisk ? keyFilePath(config.dataDir) : undefined;
  if (config.secretsKey) {
    // Switching an embedded installation from its key file to SECRETS_KEY: the file's keys
    // still open what they sealed, and start-up re-seals it all with SECRETS_KEY.
    const older = file ? ((await readKeyFile(file)) ?? []) : [];
    return { source: { kind: 'env' }, primary: config.secretsKey, older };
  }
  if (db.kind === 'postgres') return { source: { kind: 'none' }, primary: undefined, older: [] };
  if (!file) return { source: { kind: 'process' }, primary: PROCESS_KEY, older: [] };
  const keys = await readKeyFile(file);
  if (keys) return { source: { kind: 'file', path: file }, primary: keys[0], older: keys.slice(1) };
  // No file. A database whose keys are sealed lost its key: making a new one would only
  // hide that, so refuse; otherwise this is the first start (or an upgrade): make the key.
  const sealedWith = [...(await storedSecretKeyIds(db))];
  if (sealedWith.length > 0) {
    throw new SecretsKeyError(
      `The private keys in the database are encrypted (key id ${sealedWith.join(', ')}), but ${file} is missing: restore it from your backup, or set SECRETS_KEY to that key.`,
    );
  }
  const key = parseSecretsKey(newSecretsKey());
  await writeKeyFile(file, [key]);
  return { source: { kind: 'file', path: file }, primary: key, older: [] };
}

function boxFor(keys: ResolvedKeys): SecretBox {
  return keys.primary ? SecretBox.withKey(keys.primary, keys.older) : SecretBox.none();
}

/** What start-up says when the stored keys do not open, by where the key was to come from. */
function refusal(error: SecretBoxError, keys: ResolvedKeys): SecretsKeyError {
  const held = [...(keys.primary ? [keys.primary] : []), ...keys.older].map(secretsKeyId);
  // The right key, and still the value does not open: it was altered, which no setting fixes.
  if (!error.keyId || held.includes(error.keyId)) return new SecretsKeyError(error.message);
  const sealedWith = `key id ${error.keyId}`;
  const own = held[0];
  switch (keys.source.kind) {
    case 'none':
      return new SecretsKeyError(
        `The private keys in the database are encrypted (${sealedWith}), but SECRETS_KEY is not set: start barback with the SECRETS_KEY they were encrypted with.`,
      );
    case 'env':
      return new SecretsKeyError(
        `The private keys in the database are encrypted with ${sealedWith}, but SECRETS_KEY is key id ${own}: set SECRETS_KEY to the key they were encrypted with.`,
      );
    case 'file':
      return new SecretsKeyError(
        `The private keys in the database are encrypted with ${sealedWith}, which is not in ${keys.source.path}: restore that file from your backup, or set SECRETS_KEY to that key.`,
      );
    case 'process':
      return new SecretsKeyError(error.message);
  }
}

/**
 * The server's SecretBox, after bringing the stored private keys to it: plaintext keys are
 * encrypted in place (an existing database upgrading), keys under an older key re-sealed,
 * and a database this server cannot open stops start-up with one sentence.
 */
export async function openSecretBox(config: Config, db: Database, logger: Logger): Promise<SecretBox> {
  const keys = await resolveKeys(config, db);
  const box = boxFor(keys);
  let report;
  try {
    report = await sealStoredSecrets(db, box);
  } catch (error) {
    if (error instanceof SecretBoxError) throw refusal(error, keys);
    throw error;
  }
  if (keys.source.kind === 'none') {
    logger.warn('SECRETS_KEY is not set: the private keys in the database (token signing, Web Push) are stored unencrypted; see README, "The host\'s account".');
  } else if (report.sealed + report.resealed > 0) {
    logger.info({ sealed: report.sealed, resealed: report.resealed, key_id: box.keyId }, 'secrets: stored private keys encrypted with the current key');
  }
  return box;
}
