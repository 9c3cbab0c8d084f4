import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import type { Database } from '../db/database.ts';
import { AppError } from '../http/errors.ts';
import { DUMMY_PASSWORD_HASH, hashPassword, verifyPassword } from '../auth/passwords.ts';
import type { TokenService } from '../auth/tokens.ts';
import { HostAccountRepository } from './host-account.repository.ts';

const sha256 = (value: string) => createHash('sha256').update(value).digest('hex');
const invalidSetupToken = () => new AppError(401, 'invalid_setup_token', 'This setup link is invalid or was already used.');

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

  /** A fresh one-time setup token; only its hash is stored. */
  async issueSetupToken(): Promise<string> {
    const token = randomBytes(24).toString('base64url');
    await this.accounts.setSetupTokenHash(sha256(token));
    return token;
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
    if (!matches(await this.accounts.findSetupTokenHash())) throw invalidSetupToken();
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

  private async issue(id: string, email: string): Promise<IssuedAdminToken> {
    return { access_token: await this.tokens.signAdmin(id, email, this.adminTokenTtl), expires_in: this.adminTokenTtl };
  }
}
