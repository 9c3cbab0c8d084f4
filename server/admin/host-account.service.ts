import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import type { Database, Queryable } from '../db/database.ts';
import { AppError } from '../http/errors.ts';
import { DUMMY_PASSWORD_HASH, hashPassword, verifyPassword } from '../auth/passwords.ts';
import type { AdminClaims, TokenService } from '../auth/tokens.ts';
import { tokenSubject, type TokenRevocations } from '../auth/token-revocations.ts';
import { HostAccountRepository, type SetupTokenRecord } from './host-account.repository.ts';

const sha256 = (value: string) => createHash('sha256').update(value).digest('hex');

/** A reset link printed on the laptop works for an hour: long enough to open it, short enough to go stale. */
const RESET_LINK_TTL_MS = 60 * 60 * 1000;

export interface IssuedSetupToken {
  token: string;
  /** Set when the link resets an existing account's password rather than creating the account. */
  resetFor?: { email: string; expiresAt: Date };
}

/**
 * A fresh one-time setup link (only its hash is stored, and it replaces any earlier one).
 * With no host account it creates the account; with one, it sets a new password for it:
 * the recovery path for a forgotten password, which needs the laptop (start-up, or
 * `npm run host -- reset-password`), never e-mail.
 */
export async function issueSetupToken(db: Queryable): Promise<IssuedSetupToken> {
  const repo = new HostAccountRepository(db);
  const token = randomBytes(24).toString('base64url');
  const account = await repo.first();
  if (!account) {
    await repo.setSetupToken({ hash: sha256(token) });
    return { token };
  }
  const expiresAt = new Date(Date.now() + RESET_LINK_TTL_MS);
  await repo.setSetupToken({ hash: sha256(token), host_id: account.id, expires_at: expiresAt.toISOString() });
  return { token, resetFor: { email: account.email, expiresAt } };
}

function isLiveResetToken(record: SetupTokenRecord | undefined, token: string): record is SetupTokenRecord & { host_id: string } {
  if (!record?.host_id || !record.expires_at || Date.parse(record.expires_at) <= Date.now()) return false;
  const given = Buffer.from(sha256(token));
  const stored = Buffer.from(record.hash);
  return stored.length === given.length && timingSafeEqual(stored, given);
}

const invalidSetupToken = () => new AppError(401, 'invalid_setup_token', 'This link is invalid, expired or was already used.');

export interface IssuedAdminToken {
  access_token: string;
  expires_in: number;
}

export class HostAccountService {
  private readonly accounts: HostAccountRepository;

  constructor(
    private readonly db: Database,
    private readonly tokens: TokenService,
    private readonly adminTokenTtl: number,
    private readonly revocations: TokenRevocations,
  ) {
    this.accounts = new HostAccountRepository(db);
  }

  async hasAccount(): Promise<boolean> {
    return (await this.accounts.count()) > 0;
  }

  /** ADMIN_EMAIL/ADMIN_PASSWORD: create that account when no host account exists yet. */
  async bootstrap(email: string, password: string): Promise<boolean> {
    const passwordHash = await hashPassword(password);
    return this.db.transaction(async (tx) => {
      await tx.query('LOCK TABLE host_accounts IN EXCLUSIVE MODE');
      if ((await new HostAccountRepository(tx).count()) > 0) return false;
      await this.accounts.create(tx, email, passwordHash);
      return true;
    });
  }

  /** A fresh one-time setup link's token (see issueSetupToken above). */
  async issueSetupToken(): Promise<string> {
    return (await issueSetupToken(this.db)).token;
  }

  async setupNeeded(): Promise<boolean> {
    return !(await this.hasAccount());
  }

  /**
   * Creates the first host account from the setup link's token, once. The token is checked
   * before the slow password hash, so a wrong guess costs the server nothing; it is checked
   * again under the lock that consumes it, since two tabs may race for it.
   */
  async completeSetup(token: string, email: string, password: string): Promise<IssuedAdminToken> {
    const given = Buffer.from(sha256(token));
    const matches = (storedHash: string | undefined) => storedHash !== undefined && timingSafeEqual(Buffer.from(storedHash), given);
    if (!matches((await this.accounts.setupToken())?.hash)) throw invalidSetupToken();
    const passwordHash = await hashPassword(password);
    const account = await this.db.transaction(async (tx) => {
      const repo = new HostAccountRepository(tx);
      if (!matches(await repo.lockSetupTokenHash(tx)) || (await repo.count()) > 0) throw invalidSetupToken();
      await repo.deleteSetupToken(tx);
      return repo.create(tx, email, passwordHash);
    });
    return this.issue(account.id, account.email);
  }

  /** Email and password sign-in; every failure looks the same and costs the same. */
  async login(email: string, password: string): Promise<IssuedAdminToken | null> {
    const account = await this.accounts.findByEmail(email);
    const ok = await verifyPassword(password, account?.password_hash ?? (await DUMMY_PASSWORD_HASH));
    if (!account || !ok) return null;
    await this.accounts.touchLogin(account.id);
    return this.issue(account.id, account.email);
  }

  /** Sign out: the token that asked is refused from now on, on every instance. */
  signOut(claims: AdminClaims): Promise<void> {
    return this.revocations.revokeToken(claims);
  }

  /** Sign out everywhere: every host token issued until now is refused, the asking one included. */
  async signOutEverywhere(claims: AdminClaims): Promise<void> {
    const subject = tokenSubject(claims);
    await this.revocations.raiseEpoch(this.db, subject);
    this.revocations.announce(subject);
  }

  /**
   * A new password, proven by the current one; every other host token is refused, while the
   * one that asked keeps working. Returns false when the current password is wrong.
   */
  async changePassword(claims: AdminClaims, currentPassword: string, newPassword: string): Promise<boolean> {
    const account = await this.accounts.findById(claims.sub);
    if (!account) throw new AppError(401, 'unauthorized', 'Sign in again: this host account no longer exists.');
    if (!(await verifyPassword(currentPassword, account.password_hash))) return false;
    const passwordHash = await hashPassword(newPassword);
    const subject = tokenSubject(claims);
    await this.db.transaction(async (tx) => {
      await new HostAccountRepository(tx).setPasswordHash(account.id, passwordHash);
      await this.revocations.raiseEpoch(tx, subject, claims.jti);
    });
    this.revocations.announce(subject);
    return true;
  }

  /** Whether `token` is a pending, unexpired password-reset link (so the page can say so before asking). */
  async isResetToken(token: string): Promise<boolean> {
    return isLiveResetToken(await this.accounts.setupToken(), token);
  }

  /**
   * Consumes a password-reset link: the account gets the new password, every host token
   * issued before is refused, and the host is signed in. The token is checked (cheaply)
   * before the password is hashed, so wrong guesses cost the server nothing.
   */
  async resetPassword(token: string, newPassword: string): Promise<IssuedAdminToken> {
    if (!isLiveResetToken(await this.accounts.setupToken(), token)) throw invalidSetupToken();
    const passwordHash = await hashPassword(newPassword);
    const account = await this.db.transaction(async (tx) => {
      const repo = new HostAccountRepository(tx);
      const record = await repo.setupToken({ lock: true });
      // Checked again under the lock: two tabs submitting the same link reset once.
      if (!isLiveResetToken(record, token)) throw invalidSetupToken();
      const found = await repo.findById(record.host_id);
      if (!found) throw invalidSetupToken();
      await repo.setPasswordHash(found.id, passwordHash);
      await repo.deleteSetupToken(tx);
      await this.revocations.raiseEpoch(tx, tokenSubject({ role: 'admin', sub: found.id }));
      return found;
    });
    this.revocations.announce(tokenSubject({ role: 'admin', sub: account.id }));
    return this.issue(account.id, account.email);
  }

  private async issue(id: string, email: string): Promise<IssuedAdminToken> {
    const epoch = await this.revocations.epoch(tokenSubject({ role: 'admin', sub: id }));
    return { access_token: await this.tokens.signAdmin(id, email, this.adminTokenTtl, epoch), expires_in: this.adminTokenTtl };
  }
}
