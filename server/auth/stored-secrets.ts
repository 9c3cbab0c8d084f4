import type { Database, Queryable } from '../db/database.ts';
import { SecretBox } from './secret-box.ts';

/** What each stored secret is sealed against (SecretBox's `context`): its table and row. */
export const SECRET_CONTEXT = {
  signingKey: (kid: string) => `signing_keys:${kid}`,
  vapid: 'server_secrets:vapid',
  httpsKey: (name: string) => `https_private_keys:${name}`,
} as const;

/** One stored secret, read under a row lock, with the way to write it back. */
interface StoredSecret {
  context: string;
  value: string;
  save(value: string): Promise<void>;
}

interface StoredSecretKind {
  load(tx: Queryable): Promise<StoredSecret[]>;
  /** Deletes these secrets and whatever depends on them, for a key that is lost; barback makes new ones at start. */
  discard(tx: Queryable): Promise<void>;
}

/** `npm run host` does not migrate: a database it opens may predate the HTTPS tables (0004). */
async function httpsTablesExist(tx: Queryable): Promise<boolean> {
  const { rows } = await tx.query<{ present: boolean }>("SELECT to_regclass('https_private_keys') IS NOT NULL AS present");
  return rows[0]?.present ?? false;
}

/**
 * Every private key barback keeps in the database. Another kind of stored secret (an ACME
 * account key, a TLS private key) adds an entry here and seals and opens its values with
 * the server's SecretBox: start-up then encrypts its existing rows, checks they open,
 * `npm run host -- rotate-secrets-key` re-seals them with the others, and
 * `npm run host -- discard-lost-keys` deletes them when their key is lost.
 */
const STORED_SECRETS: StoredSecretKind[] = [
  {
    // A sealed private JWK is stored as a JSON string in the jsonb column, a plaintext one as the object.
    async load(tx) {
      const { rows } = await tx.query<{ kid: string; private_jwk: unknown }>(
        'SELECT kid, private_jwk FROM signing_keys ORDER BY kid FOR UPDATE',
      );
      return rows.map((row) => ({
        context: SECRET_CONTEXT.signingKey(row.kid),
        value: typeof row.private_jwk === 'string' ? row.private_jwk : JSON.stringify(row.private_jwk),
        async save(value) {
          await tx.query('UPDATE signing_keys SET private_jwk = to_jsonb($2::text) WHERE kid = $1', [row.kid, value]);
        },
      }));
    },
    // Every access token dies with its key; guests refresh (refresh tokens are not signed), the host signs in again.
    async discard(tx) {
      await tx.query('DELETE FROM signing_keys');
    },
  },
  {
    async load(tx) {
      const { rows } = await tx.query<{ value: { privateKey?: unknown } }>(
        "SELECT value FROM server_secrets WHERE name = 'vapid' FOR UPDATE",
      );
      const privateKey = rows[0]?.value.privateKey;
      if (typeof privateKey !== 'string') return [];
      return [
        {
          context: SECRET_CONTEXT.vapid,
          value: privateKey,
          async save(value) {
            await tx.query("UPDATE server_secrets SET value = jsonb_set(value, '{privateKey}', to_jsonb($1::text)) WHERE name = 'vapid'", [
              value,
            ]);
          },
        },
      ];
    },
    // Subscriptions are bound to the VAPID public key: the guests' apps subscribe again with the new one.
    async discard(tx) {
      await tx.query("DELETE FROM server_secrets WHERE name = 'vapid'");
      await tx.query('DELETE FROM push_subscriptions');
    },
  },
  {
    async load(tx) {
      if (!(await httpsTablesExist(tx))) return [];
      const { rows } = await tx.query<{ name: string; key_pem: string }>('SELECT name, key_pem FROM https_private_keys ORDER BY name FOR UPDATE');
      return rows.map((row) => ({
        context: SECRET_CONTEXT.httpsKey(row.name),
        value: row.key_pem,
        async save(value) {
          await tx.query('UPDATE https_private_keys SET key_pem = $2 WHERE name = $1', [row.name, value]);
        },
      }));
    },
    // A certificate is useless without its key: the next start gets a new one (and a new ACME account).
    async discard(tx) {
      if (!(await httpsTablesExist(tx))) return;
      await tx.query('DELETE FROM https_certificates');
      await tx.query('DELETE FROM https_private_keys');
    },
  },
];

// Any fixed number: instances starting together seal the stored secrets once, one after another.
const SEAL_LOCK = 727_003;

export interface SealReport {
  /** Values that were stored as plaintext and are sealed now (an upgrade in place). */
  sealed: number;
  /** Values moved from an older key to the box's key (a rotation). */
  resealed: number;
  total: number;
}

/**
 * Brings every stored secret to `box`, in one transaction: plaintext values get sealed,
 * values sealed with an older key of the box are sealed again with its key, and every value
 * is opened once, so a missing or wrong key stops start-up here, with the SecretBoxError's
 * sentence, instead of failing some request later.
 */
export async function sealStoredSecrets(db: Database, box: SecretBox): Promise<SealReport> {
  return db.transaction(async (tx) => {
    await tx.query('SELECT pg_advisory_xact_lock($1)', [SEAL_LOCK]);
    const report: SealReport = { sealed: 0, resealed: 0, total: 0 };
    for (const kind of STORED_SECRETS) {
      for (const secret of await kind.load(tx)) {
        report.total++;
        const plaintext = box.open(secret.value, secret.context);
        if (box.isCurrent(secret.value)) continue;
        await secret.save(box.seal(plaintext, secret.context));
        if (SecretBox.isSealed(secret.value)) report.resealed++;
        else report.sealed++;
      }
    }
    return report;
  });
}

/** The key ids the stored secrets are sealed with (empty when none is sealed). */
export async function storedSecretKeyIds(db: Database): Promise<Set<string>> {
  return db.transaction(async (tx) => {
    const ids = new Set<string>();
    for (const kind of STORED_SECRETS) {
      for (const secret of await kind.load(tx)) {
        const id = SecretBox.keyIdOf(secret.value);
        if (id) ids.add(id);
      }
    }
    return ids;
  });
}

/** For a lost key: deletes every stored secret (and what depends on it) in one transaction. */
export async function discardStoredSecrets(db: Database): Promise<void> {
  await db.transaction(async (tx) => {
    await tx.query('SELECT pg_advisory_xact_lock($1)', [SEAL_LOCK]);
    for (const kind of STORED_SECRETS) await kind.discard(tx);
  });
}
